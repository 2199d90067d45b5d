import { TransactionConnection } from "@effect/sql/SqlClient"
import { Chunk, Deferred, Effect, Exit, Queue } from "effect"

interface Pending<A, B, E> {
  readonly input: A
  readonly done: Deferred.Deferred<B, E>
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
 * Nobody waits for a timer: a batch is whatever queued while the previous ones ran, so a lone
 * caller goes at once and batches grow only with the load. A batch that fails is written again
 * one caller at a time, so one caller's failure is theirs alone. Inside a transaction the write
 * runs on the caller's connection, unbatched, so it commits or rolls back with the rest.
 */
export const groupCommit = <A, B, E>(options: GroupCommitOptions<A, B, E>) =>
  Effect.gen(function* () {
    const queue = yield* Effect.acquireRelease(Queue.unbounded<Pending<A, B, E>>(), Queue.shutdown)

    const writeOne = (input: A): Effect.Effect<B, E> =>
      Effect.flatMap(options.write([input]), (results) => resultAt(results, 0))

    const settle = (batch: ReadonlyArray<Pending<A, B, E>>, exit: Exit.Exit<ReadonlyArray<B>, E>) =>
      Effect.forEach(batch, (pending, index) =>
        Deferred.complete(pending.done, Exit.isSuccess(exit) ? resultAt(exit.value, index) : Effect.failCause(exit.cause)), {
          discard: true
        })

    const writeBatch = (batch: ReadonlyArray<Pending<A, B, E>>) =>
      Effect.flatMap(Effect.exit(options.write(batch.map((pending) => pending.input))), (exit) =>
        Exit.isFailure(exit) && batch.length > 1
          ? Effect.forEach(batch, (pending) => Deferred.complete(pending.done, writeOne(pending.input)), {
              concurrency: options.concurrency,
              discard: true
            })
          : settle(batch, exit))

    const worker = Queue.takeBetween(queue, 1, options.maxBatch).pipe(
      Effect.flatMap((chunk) => writeBatch(Chunk.toReadonlyArray(chunk))),
      Effect.forever
    )
    yield* Effect.forkScoped(Effect.all(Array.from({ length: options.concurrency }, () => worker), { concurrency: "unbounded" }))

    const enqueue = (input: A): Effect.Effect<B, E> =>
      Effect.flatMap(Deferred.make<B, E>(), (done) =>
        Effect.zipRight(Queue.offer(queue, { input, done }), Deferred.await(done)))

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
