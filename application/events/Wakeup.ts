import { Context, Duration, Effect, Layer } from "effect"
import type { NewOutboxEvent } from "../ports/Outbox.js"

export interface WakeupService {
  /** Wakes the waiting worker; many notifications before it wakes count as one. */
  readonly notify: Effect.Effect<void>
  /** Waits for a notification, or for `atMost` (the polling backup). */
  readonly wait: (atMost: Duration.DurationInput) => Effect.Effect<void>
}

/** Waiters resumed one per notification, earliest first. */
const makeWaiters = () => {
  const waiting: Array<(resume: Effect.Effect<void>) => void> = []
  return {
    /** Resumes the earliest waiter; answers whether there was one. */
    wakeOne: (): boolean => {
      const resume = waiting.shift()
      resume?.(Effect.void)
      return resume !== undefined
    },
    /**
     * Waits to be woken, or for `atMost`, unless `ready` says there is no need. Asked again when
     * the wait starts: the timeout starts it a moment later, in a fiber of its own.
     */
    await: (atMost: Duration.DurationInput, ready: () => boolean): Effect.Effect<void> =>
      Effect.async<void>((resume) => {
        if (ready()) return resume(Effect.void)
        waiting.push(resume)
        return Effect.sync(() => {
          const at = waiting.indexOf(resume)
          if (at >= 0) waiting.splice(at, 1)
        })
      }).pipe(Effect.timeout(atMost), Effect.ignore)
  }
}

/**
 * Plain state rather than a Queue: `notify` runs for every message, and a wait that finds a
 * notification already there ends at once, without the timeout's fibers and timer.
 */
export const makeWakeup = Effect.sync((): WakeupService => {
  const waiters = makeWaiters()
  let notified = false
  /** Takes the notification, if one came. */
  const takeNotified = () => {
    const was = notified
    notified = false
    return was
  }
  return {
    notify: Effect.sync(() => {
      if (!waiters.wakeOne()) notified = true
    }),
    wait: (atMost) => Effect.suspend(() => (takeNotified() ? Effect.void : waiters.await(atMost, takeNotified)))
  }
})

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

// Plain state rather than a Queue: `handOver` runs on every webhook.
const makeOutboxWakeup = Effect.sync((): OutboxWakeupService => {
  const waiters = makeWaiters()
  let handedOver: Array<NewOutboxEvent> = []
  let notified = false
  const arrived = () => notified || handedOver.length > 0
  return {
    notify: Effect.sync(() => {
      notified = true
      waiters.wakeOne()
    }),
    handOver: (events) =>
      Effect.sync(() => {
        if (handedOver.length + events.length <= maxHandedOver) handedOver.push(...events)
        waiters.wakeOne()
      }),
    // What is already there ends the wait at once, without the timeout's fibers and timer.
    wait: (atMost) => Effect.suspend(() => (arrived() ? Effect.void : waiters.await(atMost, arrived))),
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
