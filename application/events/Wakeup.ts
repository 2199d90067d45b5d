import { Context, Duration, Effect, Layer, Queue } from "effect"
import type { NewOutboxEvent } from "../ports/Outbox.js"

export interface WakeupService {
  /** Wakes the waiting worker; many notifications before it wakes count as one. */
  readonly notify: Effect.Effect<void>
  /** Waits for a notification, or for `atMost` (the polling backup). */
  readonly wait: (atMost: Duration.DurationInput) => Effect.Effect<void>
}

const makeWakeup = Effect.map(Queue.sliding<void>(1), (queue) => ({
  notify: Queue.offer(queue, undefined).pipe(Effect.asVoid),
  wait: (atMost: Duration.DurationInput) => Queue.take(queue).pipe(Effect.timeout(atMost), Effect.ignore)
}))

/**
 * How long an event handed over stays its writer's: no relay claims it before, so only the
 * writer's process publishes it, unless that process dies first.
 */
export const handedOverLease = Duration.seconds(30)

/** What reached the relay since it last looked. */
export interface OutboxSignals {
  /** Committed events to publish as they are, without claiming them (see `handOver`). */
  readonly handedOver: ReadonlyArray<NewOutboxEvent>
  /** Whether events were committed that the relay must find in the outbox. */
  readonly notified: boolean
}

export interface OutboxWakeupService extends WakeupService {
  /**
   * Gives the relay events just committed, written with `availableAt` at least `handedOverLease`
   * ahead: it publishes and marks them without claiming them first, one write per event instead
   * of two. Beyond a bound (a relay that cannot keep up) they are left to the outbox, where a
   * relay claims them once the lease ends.
   */
  readonly handOver: (events: ReadonlyArray<NewOutboxEvent>) => Effect.Effect<void>
  /** What was handed over and whether a notification came, since the last take. */
  readonly take: Effect.Effect<OutboxSignals>
}

const maxHandedOver = 10_000

// Plain state and one resumer rather than a Queue: `handOver` runs on every webhook.
const makeOutboxWakeup = Effect.sync((): OutboxWakeupService => {
  let handedOver: Array<NewOutboxEvent> = []
  let notified = false
  let waiting: ((resume: Effect.Effect<void>) => void) | undefined
  const wake = () => {
    const resume = waiting
    waiting = undefined
    resume?.(Effect.void)
  }
  return {
    notify: Effect.sync(() => {
      notified = true
      wake()
    }),
    handOver: (events) =>
      Effect.sync(() => {
        if (handedOver.length + events.length <= maxHandedOver) handedOver.push(...events)
        wake()
      }),
    wait: (atMost) =>
      Effect.async<void>((resume) => {
        if (notified || handedOver.length > 0) return resume(Effect.void)
        waiting = resume
        return Effect.sync(() => {
          if (waiting === resume) waiting = undefined
        })
      }).pipe(Effect.timeout(atMost), Effect.ignore),
    take: Effect.sync(() => {
      const signals: OutboxSignals = { handedOver, notified }
      handedOver = []
      notified = false
      return signals
    })
  }
})

/** Wakes the outbox relay right after a commit wrote events, and carries those handed over. */
export class OutboxWakeup extends Context.Tag("whatsapp-astria-bot/OutboxWakeup")<OutboxWakeup, OutboxWakeupService>() {
  static readonly layer = Layer.effect(this, makeOutboxWakeup)
}

/** Wakes the outbound sender right after a commit queued messages. */
export class OutboundWakeup extends Context.Tag("whatsapp-astria-bot/OutboundWakeup")<OutboundWakeup, WakeupService>() {
  static readonly layer = Layer.effect(this, makeWakeup)
}
