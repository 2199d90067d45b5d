import { FetchHttpClient } from "@effect/platform"
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions"
import { Effect, Layer, Logger, Redacted } from "effect"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { EventBroker, type BrokerMessage } from "../../application/ports/EventBroker.js"
import { allServices } from "../../application/settings/EnabledServices.js"
import { WhatsAppWebhookSettings } from "../../adapters/whatsapp-webhook/WhatsAppWebhookSettings.js"
import { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { TemplatePaymentProvider } from "../../adapters/payments/TemplatePaymentProvider.js"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { functionsBotLayer } from "../../runtimes/azure-functions/FunctionsBotLayer.js"
import { astriaOverFake } from "../../testing/FakeParts.js"
import type { FakeGraphApi } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { settingsForFake } from "../../testing/fakes/graph-api/layers.js"

export const verifyToken = "functions-verify-token"
export const baseUrl = "https://bot-fn.example.net"

/** Stands in for Service Bus: what the relay published, in order, to hand to the topic triggers. */
export const recordingBroker = (published: Array<BrokerMessage>) =>
  Layer.succeed(
    EventBroker,
    EventBroker.of({
      publish: (messages) => Effect.sync(() => void published.push(...messages)),
      consume: () => Effect.dieMessage("Functions never consumes: the host's triggers do"),
      deadLetters: () => Effect.succeed([]),
      replayDeadLetter: () => Effect.succeed(false),
      forgetKey: () => Effect.void
    })
  )

/** The Functions bot over the given storage, the real WhatsApp adapter on a fake Graph API, a fake Astria. */
export const testBot = (options: {
  readonly storage: Layer.Layer<StoragePorts, unknown>
  readonly graph: FakeGraphApi
  readonly published: Array<BrokerMessage>
}) =>
  functionsBotLayer<unknown>({
    storage: options.storage,
    broker: recordingBroker(options.published),
    whatsapp: Layer.merge(
      WhatsAppCloud.layer(settingsForFake(options.graph)).pipe(Layer.provide(FetchHttpClient.layer)),
      Layer.succeed(WhatsAppWebhookSettings, {
        verifyToken: Redacted.make(verifyToken),
        appSecret: Redacted.make(options.graph.appSecret)
      })
    ),
    astria: astriaOverFake(),
    payments: Layer.merge(
      TemplatePaymentProvider.layer("https://pay.example.net/checkout?order={order}"),
      Layer.succeed(PaymentWebhookSettings, { secret: Redacted.make("payment-secret") })
    ),
    publicBaseUrl: baseUrl,
    services: allServices
  })

/** Every log line of the runtime, as logfmt text, for checks of what logs may hold. */
export const recordingLogger = (lines: Array<string>) =>
  Logger.replace(Logger.defaultLogger, Logger.logfmtLogger.pipe(Logger.map((line) => void lines.push(line))))

let invocations = 0
export const invocation = (functionName: string, triggerMetadata?: Record<string, unknown>) =>
  new InvocationContext({
    invocationId: `test-${++invocations}`,
    functionName,
    ...(triggerMetadata === undefined ? {} : { triggerMetadata })
  })

export const request = (init: {
  readonly method: string
  readonly path: string
  readonly body?: string
  readonly headers?: Record<string, string>
}) =>
  new HttpRequest({
    method: init.method,
    url: `${baseUrl}${init.path}`,
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: { string: init.body } })
  })

/** The body of a handler's answer as text (our handler always answers bytes, or JSON when it cannot build). */
export const bodyText = (response: HttpResponseInit): string =>
  response.jsonBody !== undefined
    ? JSON.stringify(response.jsonBody)
    : response.body instanceof Uint8Array
      ? Buffer.from(response.body).toString("utf8")
      : typeof response.body === "string"
        ? response.body
        : ""

/** The trigger metadata the host gives a Service Bus message that the adapter published. */
export const serviceBusMetadata = (message: BrokerMessage, deliveryCount = 1) => ({
  messageId: message.id,
  sessionId: message.key,
  subject: message.eventType,
  deliveryCount,
  applicationProperties: { eventType: message.eventType }
})
