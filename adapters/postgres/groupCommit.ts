import { TransactionConnection } from "@effect/sql/SqlClient"
import { Effect, Exit, FiberSet } from "effect"

interface Pending<A, B, E> {
  readonly input: A
  readonly resume: (result: Effect.Effect<B, E>) => void
}

export interface GroupCommitOptions<A, B, E> {
  /** Writes the inputs of several callers in one statement; returns one result per input, in order. */
  readonly write: (inputs: ReadonlyArray<A>) => Effect.Effect<ReadonlyArray<B>, E>
  /** Batches in flight at once (each holds a pooled connection while it runs). */
  readonly concurrency: number
  readonly maxBatch: number
}

/**
 * Group commit: what concurrent callers write goes to the database together, one statement per
 * batch, so under load many webhooks cost one round trip and one WAL flush instead of one each.
 * Nobody waits for a timer: a batch is whatever queued while the batches in flight ran, so a lone
 * caller goes at once and batches grow only with the load. A batch that fails is written again
 * one caller at a time, so one caller's failure is theirs alone. Inside a transaction the write
 * runs on the caller's connection, unbatched, so it commits or rolls back with the rest.
 * Callers wait in a plain array and are resumed by callback: on the webhook's hot path a Queue
 * and a Deferred per caller cost more CPU than the statement they share.
 */
export const groupCommit = <A, B, E>(options: GroupCommitOptions<A, B, E>) =>
  Effect.gen(function* () {
    // Batches run in fibers of this scope: closing it interrupts them and, through them, their callers.
    const runFork = yield* FiberSet.makeRuntime<never, void, never>()
    const waiting: Array<Pending<A, B, E>> = []
    let inFlight = 0
    let closed = false
    // Runs before the batches are interrupted (finalizers run last added, first): whoever still
    // waits for a batch is interrupted too, and no batch starts any more.
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        closed = true
        waiting.splice(0).forEach((pending) => pending.resume(Effect.interrupt))
      })
    )

    const writeOne = (input: A): Effect.Effect<B, E> =>
      Effect.flatMap(options.write([input]), (results) => resultAt(results, 0))

    const writeBatch = (batch: ReadonlyArray<Pending<A, B, E>>) =>
      Effect.flatMap(Effect.exit(options.write(batch.map((pending) => pending.input))), (exit) =>
        Exit.isFailure(exit) && batch.length > 1
          ? Effect.forEach(batch, (pending) => Effect.map(Effect.exit(writeOne(pending.input)), pending.resume), {
              concurrency: options.concurrency,
              discard: true
            })
          : Effect.sync(() =>
              batch.forEach((pending, index) =>
                pending.resume(Exit.isSuccess(exit) ? resultAt(exit.value, index) : Effect.failCause(exit.cause))
              )
            ))

    const startBatches = () => {
      while (!closed && inFlight < options.concurrency && waiting.length > 0) {
        const batch = waiting.splice(0, options.maxBatch)
        inFlight += 1
        const interrupted = Effect.sync(() => batch.forEach((pending) => pending.resume(Effect.interrupt)))
        runFork(Effect.onInterrupt(writeBatch(batch), () => interrupted)).addObserver(() => {
          inFlight -= 1
          startBatches()
        })
      }
    }

    const enqueue = (input: A): Effect.Effect<B, E> =>
      Effect.async<B, E>((resume) => {
        if (closed) return resume(Effect.interrupt)
        waiting.push({ input, resume })
        startBatches()
      })

    return (input: A): Effect.Effect<B, E> =>
      Effect.flatMap(Effect.serviceOption(TransactionConnection), (transaction) =>
        transaction._tag === "Some" ? writeOne(input) : enqueue(input))
  })

const resultAt = <B>(results: ReadonlyArray<B>, index: number): Effect.Effect<B> => {
  const result = results[index]
  return result === undefined
    ? Effect.dieMessage(`group commit: the write returned ${results.length} results, none for input ${index}`)
    : Effect.succeed(result)
}
