import { Deferred, Effect, Option, Ref } from "effect"
import { RetryableFailure, type MessageHandler } from "../ports/EventBroker.js"
import { Readiness } from "../ports/Readiness.js"
import { storageAnswers } from "./storageAnswers.js"

/**
 * Makes consumers take no work while their storage is down, with any broker. A delivery that
 * failed with `StorageOutage` is judged by asking storage (`Readiness`): if storage answers, the
 * failure was this work's (storage refused it) and goes to the broker as a retryable failure,
 * counted. If not, the consumers pause: the delivery is held, not handed back, so the broker
 * neither counts it again nor hands out another (on Service Bus nothing more is received while
 * every handler slot holds one); handlers that start meanwhile wait before touching storage; one
 * of them asks storage with back-off until it answers, then every held delivery is handled again.
 * One outage costs each message in flight one delivery, however long it lasts (a held Service Bus
 * message whose lock ran out meanwhile is redelivered once, and the inbox takes it once).
 */
export const makeStoragePause = Effect.gen(function* () {
  const readiness = yield* Readiness
  /** Completed when storage answers again; present only while paused. */
  const paused = yield* Ref.make(Option.none<Deferred.Deferred<void>>())

  const waitIfPaused = Effect.flatMap(Ref.get(paused), Option.match({ onNone: () => Effect.void, onSome: Deferred.await }))

  /** The first to find storage down probes it until it answers; the others wait for that. */
  const pauseUntilReady = (reason: string) =>
    Effect.gen(function* () {
      const mine = yield* Deferred.make<void>()
      const current = yield* Ref.modify(paused, (state) =>
        Option.isSome(state) ? [state, state] : [Option.none<Deferred.Deferred<void>>(), Option.some(mine)]
      )
      if (Option.isSome(current)) return yield* Deferred.await(current.value)
      yield* Effect.logWarning("Consumers paused: storage unavailable").pipe(Effect.annotateLogs("reason", reason))
      yield* storageAnswers(readiness).pipe(
        Effect.zipRight(Effect.logInfo("Consumers resumed: storage answers again")),
        // Interrupted or not, the waiters are let go: one of them probes next if storage is still down.
        Effect.ensuring(Ref.set(paused, Option.none()).pipe(Effect.zipRight(Deferred.succeed(mine, undefined))))
      )
    })

  return (handler: MessageHandler): MessageHandler => {
    const attempt = (message: Parameters<MessageHandler>[0]): ReturnType<MessageHandler> =>
      waitIfPaused.pipe(
        Effect.zipRight(handler(message)),
        Effect.catchTag("StorageOutage", (outage) =>
          readiness.check.pipe(
            Effect.matchEffect({
              onSuccess: () => Effect.fail(new RetryableFailure({ reason: outage.reason })),
              onFailure: (notReady) => pauseUntilReady(notReady.reason).pipe(Effect.zipRight(attempt(message)))
            })
          )
        )
      )
    return attempt
  }
})
