import { randomUUID } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Schedule } from "effect"
import { OutboxWakeup } from "../../application/events/Wakeup.js"
import { runOutboxRelay } from "../../application/outbox/OutboxRelay.js"
import { EventBroker, type BrokerMessage } from "../../application/ports/EventBroker.js"
import { FailedEvents } from "../../application/ports/FailedEvents.js"
import { Outbox, type NewOutboxEvent } from "../../application/ports/Outbox.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"

const poisonedBody = "the broker's adapter chokes on this one"

/** A broker whose publish dies on one body, as a bug in its adapter would; it records the rest. */
const chokingBroker = (published: Array<BrokerMessage>) =>
  Layer.succeed(
    EventBroker,
    EventBroker.of({
      publish: (messages) =>
        messages.some((message) => message.body === poisonedBody)
          ? Effect.dieMessage("the adapter could not serialize a message")
          : Effect.sync(() => void published.push(...messages)),
      consume: () => Effect.void,
      deadLetters: () => Effect.succeed([]),
      replayDeadLetter: () => Effect.succeed(false),
      forgetKey: () => Effect.void
    })
  )

const event = (body: string): NewOutboxEvent => ({
  id: randomUUID(),
  eventType: "UserMessageReceivedEvent",
  key: `user-${randomUUID()}`,
  body,
  createdAt: new Date()
})

const eventually = <A, E, R>(label: string, effect: Effect.Effect<A, E, R>, done: (value: A) => boolean) =>
  effect.pipe(
    Effect.filterOrFail(done, () => new Error(`${label}: not yet`)),
    Effect.retry(Schedule.spaced("20 millis")),
    Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error(`${label}: not within 20 s`) })
  )

describe("the outbox relay and a poisoned event", () => {
  it.live("an event the broker dies on is kept as a failed event with its reason; the rest are published, and the relay goes on", () => {
    const published: Array<BrokerMessage> = []
    return Effect.gen(function* () {
      const outbox = yield* Outbox
      const wakeup = yield* OutboxWakeup
      const poisoned = event(poisonedBody)
      const others = [event("one"), event("two")]
      yield* outbox.add([others[0]!, poisoned, others[1]!])
      yield* Effect.forkScoped(runOutboxRelay({ batchSize: 10, lease: "30 seconds", pollInterval: "50 millis", gather: "1 millis" }))

      yield* eventually("the others published", Effect.sync(() => published.map((message) => message.id)), (ids) =>
        others.every((other) => ids.includes(other.id))
      )
      const failed = yield* eventually("the poisoned event kept", Effect.flatMap(FailedEvents, (events) => events.list), (list) => list.length > 0)
      expect(failed).toMatchObject([{ consumer: "outbox-relay", messageId: poisoned.id, body: poisonedBody, reason: "the adapter could not serialize a message" }])

      const later = event("after the poisoned one")
      yield* outbox.add([later])
      yield* wakeup.notify
      yield* eventually("the event after the poisoned one published", Effect.sync(() => published.map((message) => message.id)), (ids) =>
        ids.includes(later.id)
      )
      expect((yield* outbox.stats).pending).toBe(0)
    }).pipe(Effect.scoped, Effect.provide(Layer.mergeAll(InMemoryStorage, chokingBroker(published), OutboxWakeup.layer)))
  }, 20_000)
})
