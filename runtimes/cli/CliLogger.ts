import { Config, Effect, Layer, LogLevel, Logger } from "effect"

/**
 * The command line's logs, always on stderr so that stdout carries only results and `--json`
 * output can be piped: JSON lines in production (as the bot logs there), readable lines
 * elsewhere. `LOG_LEVEL` (default Info) filters them.
 */
export const CliLogger = Layer.unwrapEffect(
  Effect.gen(function* () {
    const production = (yield* Config.string("ENVIRONMENT").pipe(Config.withDefault("development"))) === "production"
    const level = yield* Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info))
    const logger = production
      ? Logger.withConsoleError(Logger.jsonLogger)
      : Logger.prettyLogger({ stderr: true, colors: "auto" })
    return Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(level))
  })
)
