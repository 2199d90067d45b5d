import { PlatformConfigProvider } from "@effect/platform"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { holdingNodeHttpServerLayer } from "../../adapters/http-node/HoldingNodeHttpServer.js"
import { HttpServerSettingsConfig } from "./HttpServerSettings.js"
import { LoggingLive } from "./LoggingLive.js"
import { StandaloneBotLive } from "./StandaloneParts.js"
import { TracingLive } from "./TracingLive.js"

/** `npm start`: the standalone bot on `PORT` (7070), settings from the environment and `.env`. */
const ServerLive = Layer.unwrapEffect(
  Effect.map(HttpServerSettingsConfig, (settings) => holdingNodeHttpServerLayer({ port: settings.port }))
)

const MainLive = StandaloneBotLive.pipe(
  Layer.provide(ServerLive),
  Layer.provide(Layer.merge(LoggingLive, TracingLive)),
  Layer.provide(PlatformConfigProvider.layerDotEnvAdd(".env")),
  Layer.provide(NodeContext.layer)
)

NodeRuntime.runMain(Layer.launch(MainLive), { disablePrettyLogger: true })
