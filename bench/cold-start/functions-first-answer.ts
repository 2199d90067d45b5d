// The Azure Functions entry's cold start in a fresh process, as main.ts composes it but without the
// host's registration (which needs the Functions host): modules loaded, then the first invocation
// of the HTTP handler builds the process runtime (pool, migrations) and answers GET /health.
// Parts as in the Functions tests (test/azure-functions/support.ts): Postgres on DATABASE_URL, the
// real WhatsApp and Astria adapters over fakes, and a recording broker instead of Service Bus.
import { Effect, Exit, Layer, Redacted, Scope } from "effect"

const loadStarted = performance.now()
// A CommonJS package whose classes Node's ESM loader does not see as named exports.
const { default: azureFunctions } = await import("@azure/functions")
const { FetchHttpClient } = await import("@effect/platform")
const { makeFunctionHandlers } = await import("../../runtimes/azure-functions/FunctionHandlers.js")
const { makeProcessRuntime } = await import("../../runtimes/azure-functions/ProcessRuntime.js")
const { functionsBotLayer } = await import("../../runtimes/azure-functions/FunctionsBotLayer.js")
const { PostgresStorage } = await import("../../adapters/postgres/PostgresStorage.js")
const { EventBroker } = await import("../../application/ports/EventBroker.js")
const { allServices } = await import("../../application/settings/EnabledServices.js")
const { WhatsAppWebhookSettings } = await import("../../adapters/whatsapp-webhook/WhatsAppWebhookSettings.js")
const { PaymentWebhookSettings } = await import("../../adapters/payments/PaymentWebhookSettings.js")
const { TemplatePaymentProvider } = await import("../../adapters/payments/TemplatePaymentProvider.js")
const WhatsAppCloud = await import("../../adapters/whatsapp-cloud/WhatsAppCloud.js")
const { astriaOverFake } = await import("../../testing/FakeParts.js")
const { makeFakeGraphApi } = await import("../../testing/fakes/graph-api/FakeGraphApi.js")
const { settingsForFake } = await import("../../testing/fakes/graph-api/layers.js")
const importMs = performance.now() - loadStarted

const scope = Effect.runSync(Scope.make())
const graph = await Effect.runPromise(Scope.extend(makeFakeGraphApi({ customerServiceWindow: "off" }), scope))
const bot = functionsBotLayer<unknown>({
  storage: PostgresStorage.fromUrl,
  broker: Layer.succeed(
    EventBroker,
    EventBroker.of({
      publish: () => Effect.void,
      consume: () => Effect.dieMessage("Functions never consumes: the host's triggers do"),
      deadLetters: () => Effect.succeed([]),
      replayDeadLetter: () => Effect.succeed(false),
      forgetKey: () => Effect.void
    })
  ),
  whatsapp: Layer.merge(
    WhatsAppCloud.layer(settingsForFake(graph)).pipe(Layer.provide(FetchHttpClient.layer)),
    Layer.succeed(WhatsAppWebhookSettings, { verifyToken: Redacted.make("verify"), appSecret: Redacted.make(graph.appSecret) })
  ),
  astria: astriaOverFake(),
  payments: Layer.merge(
    TemplatePaymentProvider.layer("https://pay.example.net/checkout?order={order}"),
    Layer.succeed(PaymentWebhookSettings, { secret: Redacted.make("payment-secret") })
  ),
  publicBaseUrl: "https://bot-fn.example.net",
  services: allServices
})
const runtime = makeProcessRuntime(bot)
const handlers = makeFunctionHandlers(runtime)

let invocations = 0
const answer = async () => {
  const started = performance.now()
  const response = await handlers.http(
    new azureFunctions.HttpRequest({ method: "GET", url: "https://bot-fn.example.net/health", headers: {} }),
    new azureFunctions.InvocationContext({ invocationId: `cold-start-${++invocations}`, functionName: "http" })
  )
  return { status: response.status ?? 200, ms: performance.now() - started, sinceProcessStartMs: performance.now() }
}
const first = await answer()
const second = await answer()
console.log(
  JSON.stringify({
    importMs,
    firstStatus: first.status,
    firstAnswerMs: first.ms,
    firstAnswerSinceProcessStartMs: first.sinceProcessStartMs,
    secondAnswerMs: second.ms
  })
)
await runtime.dispose()
await Effect.runPromise(Scope.close(scope, Exit.void))
