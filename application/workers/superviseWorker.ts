import { Cause, Duration, Effect, Schedule } from "effect"
import { WorkerHealth } from "./WorkerHealth.js"

/**
 * How soon a stopped worker is started again: after a second, then twice as late each time up to
 * a minute (a worker that dies on every start does not spin), back to a second once it has run
 * for ten minutes without stopping.
 */
export const workerRestarts: Schedule.Schedule<unknown, unknown> = Schedule.exponential(Duration.seconds(1)).pipe(
  Schedule.union(Schedule.spaced(Duration.minutes(1))),
  Schedule.resetAfter(Duration.minutes(10))
)

const firstLine = (text: string): string => text.split("\n")[0] ?? text

const describe = (value: unknown): string => {
  if (value instanceof Error && value.message !== "") {
    // A driver's error wraps the server's own words (@effect/sql's "Failed to execute statement").
    return value.cause instanceof Error ? `${firstLine(value.message)}: ${firstLine(value.cause.message)}` : firstLine(value.message)
  }
  if (typeof value === "object" && value !== null && "_tag" in value) {
    // Our typed errors carry their words in `reason` or `message`.
    const words = "reason" in value ? value.reason : "message" in value ? value.message : undefined
    return typeof words === "string" && words !== "" ? `${String(value._tag)}: ${firstLine(words)}` : String(value._tag)
  }
  return firstLine(String(value))
}

/** What stopped a worker (or failed one item), in a line, for /ready and rows; the log line carries the whole cause. */
export const stopReason = (cause: Cause.Cause<unknown>): string => describe(Cause.squash(cause))

/**
 * Runs a worker's loop under supervision: whatever stops it (a defect, a failure, or the loop
 * returning, which a loop never should) is logged with its cause and reported to WorkerHealth,
 * and the worker is started again as `restarts` says. With the default, forever; should a given
 * schedule give up, the worker stays reported down and the effect fails with the last reason.
 */
export const superviseWorker = <E, R>(
  name: string,
  loop: Effect.Effect<unknown, E, R>,
  restarts: Schedule.Schedule<unknown, string> = workerRestarts
): Effect.Effect<never, string, R | WorkerHealth> =>
  Effect.gen(function* () {
    const health = yield* WorkerHealth
    const runOnce = health.running(name).pipe(
      Effect.zipRight(loop),
      Effect.zipRight(Effect.dieMessage("its loop returned")),
      Effect.catchAllCause((cause) => {
        const reason = stopReason(cause)
        return Effect.logError(`${name} stopped; it will be started again`, cause).pipe(
          Effect.zipRight(health.stopped(name, reason)),
          Effect.zipRight(Effect.fail(reason))
        )
      })
    )
    return yield* Effect.retry(runOnce, restarts)
  }).pipe(Effect.annotateLogs("worker", name))
