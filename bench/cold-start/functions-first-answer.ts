// The Azure Functions entry's cold start in a fresh process, as main.ts composes it but without the
// host's registration (which needs the Functions host): modules loaded, then the first invocation
// of the HTTP handler builds the process runtime (pool, migrations) and answers GET /health.
// The parts are production's adapters: Postgres on DATABASE_URL, the real WhatsApp Cloud adapter
// over its own HTTP client (undici's, as RealParts gives it) on the fake Graph API the bench runs in its own process (GRAPH_API_URL, GRAPH_NUMBER_ID,
// GRAPH_ACCESS_TOKEN, GRAPH_APP_SECRET: the example photos are uploaded there at start, as to Meta),
// the real Astria adapter (its API at an address that serves nothing: neither the build nor /health
// calls it), the payment template, main.ts's logging and tracing. Service Bus alone is a recording
// broker (production's build probes its entities over AMQP), its adapter still loaded as in production.
// Imports are static, as in main.ts, so the bundle holds what the production bundle holds (tree
// shaken); the process's clock (performance.now) is the time since node started, and its CPU time
// (all threads: GC's helpers too) is reported beside it, steadier than wall time on a busy machine.
import type * as AzureFunctions from "@azure/functions"
import { FetchHttpClient } from "@effect/platform"
import { Duration, Effect, Layer, Redacted } from "effect"
import * as HttpAstria from "../../adapters/astria/HttpAstria.js"
import { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { TemplatePaymentProvider } from "../../adapters/payments/TemplatePaymentProvider.js"
import { PostgresStorage } from "../../adapters/postgres/PostgresStorage.js"
import { ServiceBusEventBroker } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { WhatsAppCloudHttpClient } from "../../adapters/whatsapp-cloud/WhatsAppCloudHttpClient.js"
import { WhatsAppWebhookSettings } from "../../adapters/whatsapp-webhook/WhatsAppWebhookSettings.js"
import { EventBroker } from "../../application/ports/EventBroker.js"
import { allServices } from "../../application/settings/EnabledServices.js"
import { LoggingLineByLine } from "../../runtimes/composition/LoggingLive.js"
import { TracingLive } from "../../runtimes/composition/TracingLive.js"
import { makeFunctionHandlers } from "../../runtimes/azure-functions/FunctionHandlers.js"
import { functionsBotLayer } from "../../runtimes/azure-functions/FunctionsBotLayer.js"
import { makeProcessRuntime } from "../../runtimes/azure-functions/ProcessRuntime.js"
import { createRequire } from "node:module"

// Required, as registerFunctions.ts loads it in main.ts (an import costs 60 ms more).
const azureFunctions: typeof AzureFunctions = createRequire(import.meta.url)("@azure/functions")

const cpuMs = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
const modulesLoadedMs = performance.now()
const modulesLoadedCpuMs = cpuMs()
// Kept in the bundle (and evaluated) as in production, where it is the broker.
if (typeof ServiceBusEventBroker.fromConfig !== "function") throw new Error("the Service Bus adapter did not load")

const nowhere = "http://127.0.0.1:9"
const graph = (name: string) => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set: bench/cold-start/run.ts runs the fake Graph API and sets it`)
  return value
}
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
    WhatsAppCloud.layer({
      apiUrl: graph("GRAPH_API_URL"),
      numberId: graph("GRAPH_NUMBER_ID"),
      apiKey: Redacted.make(graph("GRAPH_ACCESS_TOKEN")),
      throughputPerSecond: 80,
      recipientBurst: 12,
      recipientInterval: Duration.seconds(6),
      retryBase: Duration.millis(20),
      retryAttempts: 6,
      pairBackoffBase: Duration.millis(50),
      pairRetryAttempts: 5,
      requestTimeout: Duration.seconds(5)
    }).pipe(Layer.provide(WhatsAppCloudHttpClient)),
    Layer.succeed(WhatsAppWebhookSettings, { verifyToken: Redacted.make("verify"), appSecret: Redacted.make(graph("GRAPH_APP_SECRET")) })
  ),
  astria: HttpAstria.layer({
    apiUrl: nowhere,
    apiKey: Redacted.make("astria-key"),
    testMode: true,
    retryBaseDelay: Duration.seconds(30),
    maxRetries: 4,
    timeoutWait: Duration.seconds(30),
    requestTimeout: Duration.seconds(30),
    lookupPages: 5
  }).pipe(Layer.provide(FetchHttpClient.layer)),
  payments: Layer.merge(
    TemplatePaymentProvider.layer("https://pay.example.net/checkout?order={order}"),
    Layer.succeed(PaymentWebhookSettings, { secret: Redacted.make("payment-secret") })
  ),
  publicBaseUrl: "https://bot-fn.example.net",
  services: allServices
})
const runtime = makeProcessRuntime(bot.pipe(Layer.provide(Layer.mergeAll(LoggingLineByLine, TracingLive))))
const handlers = makeFunctionHandlers(runtime)

let invocations = 0
const answer = async () => {
  const started = performance.now()
  const response = await handlers.http(
    new azureFunctions.HttpRequest({ method: "GET", url: "https://bot-fn.example.net/health", headers: {} }),
    new azureFunctions.InvocationContext({ invocationId: `cold-start-${++invocations}`, functionName: "http" })
  )
  return { status: response.status ?? 200, ms: performance.now() - started, sinceProcessStartMs: performance.now(), cpuSinceProcessStartMs: cpuMs() }
}
const first = await answer()
const second = await answer()
console.log(
  JSON.stringify({
    modulesLoadedSinceProcessStartMs: modulesLoadedMs,
    modulesLoadedCpuMs,
    firstStatus: first.status,
    firstAnswerMs: first.ms,
    firstAnswerSinceProcessStartMs: first.sinceProcessStartMs,
    firstAnswerCpuMs: first.cpuSinceProcessStartMs,
    secondAnswerMs: second.ms
  })
)
await runtime.dispose()
