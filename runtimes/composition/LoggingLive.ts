import { Config, Effect, Layer, Logger, LogLevel } from "effect"
import type { Scope } from "effect"
import { batchedConsoleLogger } from "./batchedConsoleLogger.js"

type LineWriter = (format: Logger.Logger<unknown, string>) => Effect.Effect<Logger.Logger<unknown, void>, never, Scope.Scope>

/**
 * JSON lines in production (for log collectors), readable lines elsewhere; `LOG_LEVEL` sets the
 * threshold. The lines are those of `Logger.json` and `Logger.logFmt`, on stdout.
 */
const loggingFromConfig = (writeLines: LineWriter) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const production = (yield* Config.string("ENVIRONMENT").pipe(Config.withDefault("development"))) === "production"
      const level = yield* Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info))
      const logger = yield* writeLines(production ? Logger.jsonLogger : Logger.logfmtLogger)
      return Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(level))
    })
  )

/** The standalone server's: written a turn of the event loop at a time; the layer's release writes what is left. */
export const LoggingLive = loggingFromConfig(batchedConsoleLogger)

/**
 * Azure Functions': each line written when logged, since the host ties console output to the
 * invocation whose async context wrote it, and a batch would all go to the first line's.
 */
export const LoggingLineByLine = loggingFromConfig((format) => Effect.succeed(Logger.withConsoleLog(format)))
