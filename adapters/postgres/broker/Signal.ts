import { Effect, Queue } from "effect"
import type { Duration } from "effect"

/** Wakes a waiting consumer loop; many notifications before it wakes count as one. */
export interface Signal {
  readonly notify: Effect.Effect<void>
  /** Waits for a notification, or for `atMost` (the polling backup). */
  readonly wait: (atMost: Duration.DurationInput) => Effect.Effect<void>
}

export const makeSignal: Effect.Effect<Signal> = Effect.map(Queue.sliding<void>(1), (queue) => ({
  notify: Effect.asVoid(Queue.offer(queue, undefined)),
  wait: (atMost) => Queue.take(queue).pipe(Effect.timeout(atMost), Effect.ignore)
}))
