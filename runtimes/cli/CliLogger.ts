import { Config, Effect, Layer, LogLevel, Logger } from "effect"

/**
 * The command line's logs: readable lines on stderr, so that stdout carries only results and
 * `--json` output can be piped. `LOG_LEVEL` (default Info) filters them.
 */
export const CliLogger = Layer.unwrapEffect(
  Effect.map(Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info)), (level) =>
    Layer.merge(
      Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true, colors: "auto" })),
      Logger.minimumLogLevel(level)
    )
  )
)
