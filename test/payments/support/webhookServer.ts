import { createServer } from "node:http"
import { HttpApi, HttpApiBuilder, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer, Redacted } from "effect"
import { handlePaymentWebhook, handleSumitNotification } from "../../../adapters/http-api/PaymentWebhookHandlers.js"
import { PaymentWebhookSettings, type PaymentWebhookSettingsShape } from "../../../adapters/payments/PaymentWebhookSettings.js"
import { PaymentWebhookApi } from "../../../contracts/http/PaymentWebhookApi.js"
import { TemplatePaymentProvider } from "../../../adapters/payments/TemplatePaymentProvider.js"
import type { PaymentProvider } from "../../../application/ports/PaymentProvider.js"
import { secret } from "./fixtures.js"
import { memoryStore } from "./memoryStore.js"

/** A small API holding only the payments group, as the bot's API will. */
export const TestApi = HttpApi.make("test").add(PaymentWebhookApi)

const PaymentHandlers = HttpApiBuilder.group(TestApi, "payments", (handlers) =>
  handlers
    .handleRaw("paymentReceived", ({ request }) => handlePaymentWebhook(request))
    .handleRaw("sumitNotification", ({ request }) => handleSumitNotification(request))
)

/** The development checkout: no refunds through an API. */
const noRefunds = TemplatePaymentProvider.layer("https://pay.example/checkout?order={order}")

const serving = <E, R>(api: Layer.Layer<HttpApi.Api, E, R>, settings: PaymentWebhookSettingsShape, provider: Layer.Layer<PaymentProvider> = noRefunds) =>
  HttpApiBuilder.serve().pipe(
    Layer.provide(api),
    Layer.provide(Layer.succeed(PaymentWebhookSettings, settings)),
    Layer.provide(provider),
    Layer.provideMerge(memoryStore),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
  )

/** The webhook on a real loopback socket (port 0), over a fresh in-memory store the test can see. */
export const webhookServer = serving(HttpApiBuilder.api(TestApi).pipe(Layer.provide(PaymentHandlers)), { secret: Redacted.make(secret) })

/** The same with other webhook settings (SUMIT's confirmation, a live mode), and the provider second charges are refunded through. */
export const webhookServerWith = (settings: PaymentWebhookSettingsShape, provider?: Layer.Layer<PaymentProvider>) =>
  serving(HttpApiBuilder.api(TestApi).pipe(Layer.provide(PaymentHandlers)), settings, provider)

/** `http://127.0.0.1:<port>/payment-received` of the running server. */
export const webhookUrl = Effect.flatMap(HttpServer.HttpServer, (server) =>
  server.address._tag === "TcpAddress"
    ? Effect.succeed(`http://127.0.0.1:${server.address.port}/payment-received`)
    : Effect.dieMessage("the test server is not on TCP")
)

/** `http://127.0.0.1:<port>/payment-received/sumit` of the running server. */
export const sumitNotificationUrl = Effect.map(webhookUrl, (url) => `${url}/sumit`)
