import { Context, Effect, Layer, Queue } from "effect"
import type { Duration } from "effect"

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

/** Wakes the outbox relay right after a commit wrote events. */
export class OutboxWakeup extends Context.Tag("whatsapp-astria-bot/OutboxWakeup")<OutboxWakeup, WakeupService>() {
  static readonly layer = Layer.effect(this, makeWakeup)
}

/** Wakes the outbound sender right after a commit queued messages. */
export class OutboundWakeup extends Context.Tag("whatsapp-astria-bot/OutboundWakeup")<OutboundWakeup, WakeupService>() {
  static readonly layer = Layer.effect(this, makeWakeup)
}
