import { Cause, Duration, Effect } from "effect"
import { failed, type CheckFailed, type CheckLine } from "./Verdict.js"

/** A live check: what it found when it succeeds, a `CheckFailed` when it finds a fault. */
export interface LiveCheck<R> {
  readonly part: string
  readonly check: string
  readonly run: Effect.Effect<string, CheckFailed, R>
}

/**
 * Runs one check within its time; whatever goes wrong (a fault found, no answer in time, a
 * defect) becomes its FAIL line, so one check never costs the others theirs.
 */
export const runCheck =
  (timeout: Duration.DurationInput) =>
  <R>(live: LiveCheck<R>) =>
    live.run.pipe(
      Effect.map((detail): CheckLine => ({ part: live.part, check: live.check, verdict: "ok", detail })),
      Effect.catchTag("CheckFailed", (error) => Effect.succeed(failed(live.part, live.check, error.reason))),
      Effect.timeoutTo({
        duration: timeout,
        onSuccess: (line): CheckLine => line,
        onTimeout: () => failed(live.part, live.check, `no answer within ${Duration.format(timeout)}`)
      }),
      Effect.catchAllCause((cause) => Effect.succeed(failed(live.part, live.check, Cause.pretty(cause).split("\n")[0] ?? "failed")))
    )
