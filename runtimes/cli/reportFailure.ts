import { Cause, Console, Effect, Option } from "effect"
import { describeFailure } from "./describeFailure.js"

/**
 * Expected failures become one clear message on stderr; only a defect (a bug) prints its cause.
 * The failure is kept, so that the process exits with 1 (and with 0 on success).
 */
export const reportFailure = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  Effect.catchAllCause(program, (cause) =>
    Effect.zipRight(
      Option.match(Cause.failureOption(cause), {
        onSome: (error) => Option.match(describeFailure(error), { onNone: () => Effect.void, onSome: Console.error }),
        onNone: () => (Cause.isInterruptedOnly(cause) ? Effect.void : Console.error(Cause.pretty(cause)))
      }),
      Effect.failCause(cause)
    )
  )
