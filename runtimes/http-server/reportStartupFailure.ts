import { Cause, Effect } from "effect"

/** An error's own message, then its causes' (`SqlError: cannot lock` ... `in use; set PGLITE_DATA_DIR`). */
const messagesOf = (error: unknown): ReadonlyArray<string> => {
  if (error instanceof Error) {
    const own = error.message === "" ? error.name : error.message
    return [own, ...(error.cause === undefined ? [] : messagesOf(error.cause))]
  }
  if (typeof error === "object" && error !== null && "_tag" in error) return [String(error._tag)]
  return [String(error)]
}

/** What went wrong, as the errors themselves say it, most specific last: the hint an operator acts on. */
export const startupHint = (cause: Cause.Cause<unknown>): string => {
  const errors = [...Cause.failures(cause), ...Cause.defects(cause)]
  const lines = errors.map((error) => messagesOf(error).join(": "))
  return lines.length === 0 ? "interrupted" : [...new Set(lines)].join("; ")
}

/**
 * A start that fails (a second server on the same PGlite directory, a port in use) says why in one
 * line; the stack and the full cause are logged at debug level only (`LOG_LEVEL=Debug`). The
 * process exits with 1. An interruption (Ctrl-C) is left as it is.
 */
export const reportStartupFailure = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  Effect.catchAllCause(program, (cause) =>
    Cause.isInterruptedOnly(cause)
      ? Effect.failCause(cause)
      : Effect.gen(function* () {
          yield* Effect.logError(`Could not start: ${startupHint(cause)}`)
          yield* Effect.logDebug("The start-up failure in full", cause)
          process.exitCode = 1
        })
  )
