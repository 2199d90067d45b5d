import { Cause, Clock, Duration, Effect, Exit, FiberSet, Option } from "effect"
import type { Scope } from "effect"
import type { MessageHandler } from "../../../application/ports/EventBroker.js"
import type { StorageUnavailable } from "../../../application/ports/StorageUnavailable.js"
import { groupCommit } from "../groupCommit.js"
import { claimHeads, type Claim, type DeliveryStatements } from "./DeliveryStatements.js"
import type { WakeupService } from "../../../application/events/Wakeup.js"
import { whileStorageDown } from "../../../application/workers/storageAnswers.js"

export interface DeliverySettings {
  readonly maxDeliveries: number
  readonly lease: Duration.Duration
  readonly pollInterval: Duration.Duration
  /** Deliveries of one subscription handled at once by one consumer (different keys). */
  readonly concurrency: number
  /** The wait before the next delivery after the n-th failed one. */
  readonly redeliveryDelay: (deliveries: number) => Duration.Duration
  readonly duplicateDetectionWindow: Duration.Duration
}

/** How often one consumer deletes its subscription's rows settled beyond the duplicate detection window. */
const purgeEvery = Duration.minutes(1)

/** What becomes of a claim once its handler answered. */
type Outcome =
  | { readonly _tag: "Complete" }
  | { readonly _tag: "Retry"; readonly reason: string }
  | { readonly _tag: "DeadLetter"; readonly reason: string; readonly permanent: boolean }

const outcomeOf = (exit: Exit.Exit<void, { readonly _tag: string; readonly reason: string }>, claim: Claim, maxDeliveries: number): Outcome => {
  if (Exit.isSuccess(exit)) return { _tag: "Complete" }
  const failure = Cause.failureOption(exit.cause)
  const reason = Option.match(failure, { onNone: () => Cause.pretty(exit.cause), onSome: (error) => error.reason })
  const permanent = Option.exists(failure, (error) => error._tag === "PermanentFailure")
  return permanent || claim.attempts >= maxDeliveries
    ? { _tag: "DeadLetter", reason, permanent }
    : { _tag: "Retry", reason }
}

/**
 * One consumer of one subscription, in the caller's scope: a loop claims due rows (up to the free
 * handler slots), each claim is handled in a fiber of its own and settles its row from the
 * handler's answer, and a second loop keeps renewing the leases of the claims held.
 *
 * Storage outages: while the database cannot be reached the loop takes no work (its claim fails;
 * it tries again with back-off and logs once each way). A settle that cannot reach the database
 * is retried until it lands; a failed delivery whose settle found the database gone is handed back
 * uncounted, since the handler most likely failed for the same outage. Only permanent failures,
 * and deliveries that failed with the database answering, count towards the dead letters.
 */
export const consumeDeliveries = (
  statements: DeliveryStatements,
  settings: DeliverySettings,
  subscription: string,
  handler: MessageHandler,
  signal: WakeupService
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function* () {
    const fibers = yield* FiberSet.make()
    let inFlight = 0
    /** The claims being handled or settled, whose leases the renewal loop keeps. */
    const held = new Set<Claim>()
    let paused = false
    let lastPurge = 0
    /** Where the next claim's look over the keys starts (see `claim`). */
    let cursor = ""
    const annotations = { subscription }

    const untilStorageAnswers = <A>(effect: Effect.Effect<A, StorageUnavailable>) =>
      Effect.retry(effect, whileStorageDown)

    // Deliveries handled at once are completed together, a lone one at once: the whole bot's
    // completions per answered message went from 1.0 statement to 0.52 (400 first messages at 20
    // connections, 2026-12-06). Each claim's own lease token still names its row.
    const complete = yield* groupCommit({
      write: (claims: ReadonlyArray<Claim>) => Effect.as(statements.complete(claims), claims.map(() => "completed" as const)),
      concurrency: 1,
      maxBatch: settings.concurrency
    })

    const settle = (claim: Claim, outcome: Outcome) => {
      const log = { ...annotations, eventType: claim.message.eventType, deliveries: claim.attempts }
      /** A failed delivery's settle finding the database gone: the failure was most likely the outage's. */
      const orUncounted = (statement: Effect.Effect<void, StorageUnavailable>, logged: Effect.Effect<void>) =>
        statement.pipe(
          Effect.zipRight(logged),
          Effect.catchTag("StorageUnavailable", () =>
            Effect.logWarning("Delivery failed while storage was unavailable; handed back uncounted").pipe(
              Effect.annotateLogs(log),
              Effect.zipRight(untilStorageAnswers(statements.release(claim)))
            )
          )
        )
      switch (outcome._tag) {
        case "Complete":
          return untilStorageAnswers(complete(claim))
        case "DeadLetter": {
          const logged = Effect.logError("Delivery failed for good; dead-lettered").pipe(
            Effect.annotateLogs({ ...log, reason: outcome.reason })
          )
          return outcome.permanent
            ? untilStorageAnswers(statements.deadLetter(claim, outcome.reason)).pipe(Effect.zipRight(logged))
            : orUncounted(statements.deadLetter(claim, outcome.reason), logged)
        }
        case "Retry":
          return orUncounted(
            statements.retryAfter(claim, settings.redeliveryDelay(claim.attempts), outcome.reason),
            Effect.logWarning("Delivery failed; will redeliver").pipe(Effect.annotateLogs({ ...log, reason: outcome.reason }))
          )
      }
    }

    const deliver = (claim: Claim) =>
      Effect.exit(handler(claim.message)).pipe(
        Effect.flatMap((exit) => settle(claim, outcomeOf(exit, claim, settings.maxDeliveries))),
        // Closing the consumer hands its claims back at once, uncounted, for the next consumer.
        Effect.onInterrupt(() =>
          statements.release(claim).pipe(Effect.interruptible, Effect.timeout("2 seconds"), Effect.ignore)
        ),
        Effect.catchAllCause((cause) =>
          Cause.isInterruptedOnly(cause)
            ? Effect.void
            : Effect.logError("Settling a delivery failed").pipe(Effect.annotateLogs({ ...annotations, cause: Cause.pretty(cause) }))
        ),
        Effect.ensuring(
          Effect.suspend(() => {
            inFlight -= 1
            held.delete(claim)
            return signal.notify
          })
        )
      )

    const purgeWhenDue = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      if (now - lastPurge < Duration.toMillis(purgeEvery)) return
      lastPurge = now
      yield* statements.purgeDone(subscription, settings.duplicateDetectionWindow)
    })

    const start = (claims: ReadonlyArray<Claim>) =>
      Effect.forEach(
        claims,
        (claim) => {
          inFlight += 1
          held.add(claim)
          return FiberSet.run(fibers, deliver(claim))
        },
        { discard: true }
      )

    /**
     * Claims what the free slots allow and starts handling it; answers whether slots stayed full.
     * What the front of the queue gives is handled at once, before the look beyond it (two or three
     * more round trips), which finds nothing more unless the front is blocked.
     */
    const claimRound = Effect.gen(function* () {
      const free = settings.concurrency - inFlight
      if (free <= 0) return false
      const claimed = yield* claimHeads(statements, subscription, free, settings.lease, cursor, start)
      cursor = claimed.cursor
      yield* purgeWhenDue
      return claimed.claims.length === free
    })

    const pauseOrResume = <A>(round: Effect.Effect<A, StorageUnavailable>) =>
      round.pipe(
        Effect.tapError((error) =>
          paused
            ? Effect.void
            : Effect.suspend(() => {
                paused = true
                return Effect.logWarning("Consumer paused: storage unavailable").pipe(
                  Effect.annotateLogs({ ...annotations, reason: error.reason })
                )
              })
        ),
        Effect.retry(whileStorageDown),
        Effect.tap(() =>
          paused
            ? Effect.suspend(() => {
                paused = false
                return Effect.logInfo("Consumer resumed: storage answers again").pipe(Effect.annotateLogs(annotations))
              })
            : Effect.void
        )
      )

    const loop = Effect.gen(function* () {
      const more = yield* pauseOrResume(claimRound)
      if (!more) yield* signal.wait(settings.pollInterval)
    }).pipe(
      // A defect here (a statement of ours the database rejects) must not end the consumer.
      Effect.catchAllCause((cause) =>
        Effect.logError("Consumer round failed; going on").pipe(
          Effect.annotateLogs({ ...annotations, cause: Cause.pretty(cause) }),
          Effect.zipRight(Effect.sleep(settings.pollInterval))
        )
      ),
      Effect.forever
    )

    // One loop renews every held lease in one statement, every third of the lease: a claim is
    // renewed within a third of the lease of being taken, then every third, as long as it is held.
    // A fiber, scope and timer per delivery did the same at a cost per message.
    const renewHeld = Effect.sleep(Duration.unsafeDivide(settings.lease, 3)).pipe(
      Effect.zipRight(Effect.suspend(() => Effect.ignore(statements.renew([...held], settings.lease)))),
      Effect.forever
    )

    yield* Effect.forkScoped(renewHeld)
    yield* Effect.forkScoped(loop)
  })
