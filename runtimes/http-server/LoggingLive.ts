import { Config, Effect, Layer, Logger, LogLevel } from "effect"

/**
 * JSON lines in production (for log collectors), readable lines elsewhere; `LOG_LEVEL` sets the
 * threshold.
 */
export const LoggingLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const production = (yield* Config.string("ENVIRONMENT").pipe(Config.withDefault("development"))) === "production"
    const level = yield* Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info))
    return Layer.merge(production ? Logger.json : Logger.logFmt, Logger.minimumLogLevel(level))
  })
)
