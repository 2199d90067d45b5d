import { FetchHttpClient } from "@effect/platform"
import { Duration, Effect, Layer, Redacted } from "effect"
import * as HttpAstria from "../adapters/astria/HttpAstria.js"
import { WhatsAppWebhookSettings } from "../adapters/whatsapp-webhook/WhatsAppWebhookSettings.js"
import { PaymentWebhookSettings } from "../adapters/payments/PaymentWebhookSettings.js"
import { TemplatePaymentProvider } from "../adapters/payments/TemplatePaymentProvider.js"
import * as WhatsAppCloud from "../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { WhatsAppCloudHttpClient } from "../adapters/whatsapp-cloud/WhatsAppCloudHttpClient.js"
import type { WhatsAppCloudSettings } from "../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { ownBaseUrl } from "../runtimes/composition/BotLayer.js"
import { FakeAstria, type FakeAstriaOptions } from "./fakes/astria/FakeAstria.js"
import { fakeAstriaAdapterConfig } from "./fakes/astria/wiring.js"
import type { FakeGraphApiOptions } from "./fakes/graph-api/FakeGraphApi.js"
import { FakeGraph, FakeGraphLive, settingsForFake } from "./fakes/graph-api/layers.js"
import { FakePaymentProvider } from "./fakes/payments/FakePaymentProvider.js"
import { HarnessCheckout } from "./HarnessCheckout.js"

/**
 * Meta lets one person be sent a short burst, then about one message every 6 seconds. A whole
 * journey would wait minutes at that pace, so over the fake the bot sends briskly unless asked for
 * Meta's pace (the adapter's own tests hold it to it).
 */
const briskPace: Partial<WhatsAppCloudSettings> = { recipientBurst: 50, recipientInterval: Duration.millis(20) }

const fakeVerifyToken = "fake-verify-token"
const fakePaymentSecret = "fake-payment-secret"

/** Points the fake Graph API's webhooks at the bot once it listens. */
const graphWebhooksToBot = Layer.effectDiscard(
  Effect.gen(function* () {
    const baseUrl = yield* ownBaseUrl
    yield* Effect.flatMap(FakeGraph, (graph) => graph.setWebhookTarget(`${baseUrl}/SmsReceived`))
  })
)

/** Points the fake checkout's webhooks at the bot once it listens. */
const paymentWebhooksToBot = Layer.effectDiscard(
  Effect.gen(function* () {
    const baseUrl = yield* ownBaseUrl
    yield* Effect.flatMap(FakePaymentProvider, (payments) =>
      payments.control.setWebhookUrl(`${baseUrl}/payment-received`)
    )
  })
)


/**
 * The real WhatsApp Cloud adapter over a fake Graph API, which signs its webhooks with its own app
 * secret and posts them to the bot's server.
 */
export const whatsAppOverFake = (options: {
  readonly graph?: FakeGraphApiOptions
  readonly adapter?: Partial<WhatsAppCloudSettings>
  /** The handshake's token; by default a fixed one of the fake's. */
  readonly verifyToken?: string
} = {}) =>
  Layer.unwrapEffect(
    Effect.map(FakeGraph, (graph) =>
      Layer.merge(
        WhatsAppCloud.layer(settingsForFake(graph, { ...briskPace, ...options.adapter })).pipe(
          Layer.provide(WhatsAppCloudHttpClient)
        ),
        Layer.succeed(WhatsAppWebhookSettings, {
          verifyToken: Redacted.make(options.verifyToken ?? fakeVerifyToken),
          appSecret: Redacted.make(graph.appSecret),
          numberId: graph.phoneNumberId
        })
      )
    )
  ).pipe(Layer.merge(graphWebhooksToBot), Layer.provideMerge(FakeGraphLive({ pairRate: "off", ...options.graph })))

/** The real Astria adapter over a fake Astria. */
export const astriaOverFake = (options: FakeAstriaOptions = {}) =>
  Layer.unwrapEffect(
    Effect.map(FakeAstria, (astria) =>
      HttpAstria.layer(fakeAstriaAdapterConfig(astria)).pipe(Layer.provide(FetchHttpClient.layer))
    )
  ).pipe(Layer.provideMerge(FakeAstria.layer(options)))

/** Paying on the fake checkout page: the link carries what it charges (PAYMENT_LINK_TEMPLATE). */
export const payOnFakeCheckout = Layer.effect(
  HarnessCheckout,
  Effect.map(FakePaymentProvider, (payments) => ({
    pay: (link: string) => {
      const url = new URL(link)
      return Effect.asVoid(
        payments.control.pay({
          orderId: url.searchParams.get("order") ?? "",
          amountMinor: Math.round(Number(url.searchParams.get("amount") ?? "0") * 100),
          currency: url.searchParams.get("currency") ?? ""
        })
      )
    },
    deliveries: Effect.map(payments.control.deliveries, (all) => all.length)
  }))
)

/** Payment links to a fake checkout, whose Pay button sends the signed webhook to the bot's server. */
export const paymentsOverFake = Layer.unwrapEffect(
  Effect.map(FakePaymentProvider, (payments) =>
    Layer.merge(
      TemplatePaymentProvider.layer(payments.linkTemplate),
      Layer.succeed(PaymentWebhookSettings, { secret: Redacted.make(fakePaymentSecret) })
    )
  )
).pipe(
  Layer.merge(paymentWebhooksToBot),
  Layer.merge(payOnFakeCheckout),
  Layer.provideMerge(FakePaymentProvider.layer({ secret: fakePaymentSecret }))
)


