import { PlatformConfigProvider } from "@effect/platform"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Either, Layer } from "effect"
import { holdingNodeHttpServerLayer } from "../../adapters/http-node/HoldingNodeHttpServer.js"
import { logStartPlan } from "../composition/logStartPlan.js"
import { planStart } from "../composition/StartPlan.js"
import { HttpServerSettingsConfig } from "./HttpServerSettings.js"
import { LoggingLive } from "../composition/LoggingLive.js"
import { standaloneBot } from "./StandaloneBot.js"
import { TracingLive } from "../composition/TracingLive.js"
import { reportStartupFailure } from "./reportStartupFailure.js"

/**
 * `npm start`: the standalone bot on `PORT` (7070), settings from the environment and `.env`.
 * The plan comes first: a refused start names every problem and exits 1 before anything listens.
 */
const main = Effect.gen(function* () {
  const settings = yield* HttpServerSettingsConfig
  const planned = yield* Effect.either(planStart({ runtime: "standalone" }))
  if (Either.isLeft(planned)) {
    yield* Console.error(planned.left.message)
    process.exitCode = 1
    return
  }
  yield* logStartPlan(planned.right, settings.port)
  const server = holdingNodeHttpServerLayer({ port: settings.port, host: settings.host })
  yield* Layer.launch(standaloneBot(planned.right).pipe(Layer.provide(server)))
}).pipe(
  reportStartupFailure,
  Effect.provide(Layer.merge(LoggingLive, TracingLive)),
  Effect.provide(PlatformConfigProvider.layerDotEnvAdd(".env")),
  Effect.provide(NodeContext.layer)
)

NodeRuntime.runMain(main, { disablePrettyLogger: true })
