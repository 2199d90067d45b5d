import { SqlError } from "@effect/sql/SqlError"
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Cause, Effect, List, Logger, LogLevel } from "effect"
import { reportStartupFailure } from "../../runtimes/http-server/reportStartupFailure.js"

/** A second server on the same PGlite directory fails as the lock does. */
const lockRefused = Effect.fail(
  new SqlError({
    message: "PGlite: cannot lock .data/pglite",
    cause: new Error(".data/pglite is in use by process 4242; set PGLITE_DATA_DIR to another directory")
  })
)

/** Runs the report at `level`; answers each line logged, with its level and whether it carries a stack. */
const reported = (level: LogLevel.LogLevel) =>
  Effect.gen(function* () {
    const lines: Array<{ readonly level: string; readonly message: string; readonly stack: boolean }> = []
    const logger = Logger.make(({ logLevel, message, cause }) => {
      const text = List.fromIterable(Array.isArray(message) ? message : [message]).pipe(List.toArray).map(String).join(" ")
      lines.push({ level: logLevel.label, message: text, stack: /\n\s+at /.test(Cause.pretty(cause)) })
    })
    yield* reportStartupFailure(lockRefused).pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(level)
    )
    return lines
  })

describe("a start-up failure", () => {
  // The report sets this process's exit code; the test runner's own must stay as it was.
  const exitCode = process.exitCode
  afterEach(() => {
    process.exitCode = exitCode
  })

  it.effect("says what to do in one line first, with no stack; the stack only at debug level", () =>
    Effect.gen(function* () {
      const atInfo = yield* reported(LogLevel.Info)
      expect(atInfo).toEqual([
        {
          level: "ERROR",
          message: "Could not start: PGlite: cannot lock .data/pglite: .data/pglite is in use by process 4242; set PGLITE_DATA_DIR to another directory",
          stack: false
        }
      ])
      const atDebug = yield* reported(LogLevel.Debug)
      expect(atDebug.map((line) => line.level)).toEqual(["ERROR", "DEBUG"])
      expect(atDebug[1]?.stack).toBe(true)
      expect(process.exitCode).toBe(1)
    }))
})
