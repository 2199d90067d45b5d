#!/usr/bin/env node
import { PlatformConfigProvider } from "@effect/platform"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { makeCli } from "./Cli.js"
import { CliLogger } from "./CliLogger.js"
import { ProductionEnvironment } from "./ProductionEnvironment.js"
import { reportFailure } from "./reportFailure.js"

// Settings come from the environment, with a .env file in the working directory as a fallback.
const Environment = CliLogger.pipe(
  Layer.provideMerge(PlatformConfigProvider.layerDotEnvAdd(".env")),
  Layer.provideMerge(NodeContext.layer)
)

// A reader that stops early (`... | head -1`) closes the pipe: the command has said enough, and
// ends as it would have, quietly and with 0, instead of dying on the next write.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error
  process.exit(0)
})

makeCli(ProductionEnvironment)(process.argv).pipe(
  Effect.provide(Environment),
  reportFailure,
  NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true })
)
