import { Config, Effect, Layer, Logger, LogLevel } from "effect"
import { batchedConsoleLogger } from "./batchedConsoleLogger.js"

/**
 * JSON lines in production (for log collectors), readable lines elsewhere; `LOG_LEVEL` sets the
 * threshold. The lines are those of `Logger.json` and `Logger.logFmt`, on stdout, written a turn
 * of the event loop at a time; the layer's release writes what is left.
 */
export const LoggingLive = Layer.unwrapScoped(
  Effect.gen(function* () {
    const production = (yield* Config.string("ENVIRONMENT").pipe(Config.withDefault("development"))) === "production"
    const level = yield* Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info))
    const logger = yield* batchedConsoleLogger(production ? Logger.jsonLogger : Logger.logfmtLogger)
    return Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(level))
  })
)
