#!/usr/bin/env node
import { PlatformConfigProvider } from "@effect/platform"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Cause, Console, Effect, Layer, Option } from "effect"
import { makeCli } from "./Cli.js"
import { CliLogger } from "./CliLogger.js"
import { describeFailure } from "./describeFailure.js"
import { ProductionEnvironment } from "./ProductionEnvironment.js"

/**
 * Expected failures become one clear message on stderr; only a defect (a bug) prints its cause.
 * Either way the process exits with 1, and with 0 on success.
 */
const reportFailure = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  Effect.catchAllCause(program, (cause) =>
    Effect.zipRight(
      Option.match(Cause.failureOption(cause), {
        onSome: (error) => Option.match(describeFailure(error), { onNone: () => Effect.void, onSome: Console.error }),
        onNone: () => (Cause.isInterruptedOnly(cause) ? Effect.void : Console.error(Cause.pretty(cause)))
      }),
      Effect.failCause(cause)
    )
  )

// Settings come from the environment, with a .env file in the working directory as a fallback.
const Environment = CliLogger.pipe(
  Layer.provideMerge(PlatformConfigProvider.layerDotEnvAdd(".env")),
  Layer.provideMerge(NodeContext.layer)
)

makeCli(ProductionEnvironment)(process.argv).pipe(
  Effect.provide(Environment),
  reportFailure,
  NodeRuntime.runMain({ disableErrorReporting: true })
)
