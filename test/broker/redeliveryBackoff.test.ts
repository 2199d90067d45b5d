import { expect, it } from "@effect/vitest"
import { Effect, Ref, TestClock } from "effect"
import { RetryableFailure } from "../../application/ports/EventBroker.js"
import { makeInMemoryEventBroker } from "../../adapters/memory/InMemoryEventBroker.js"

it.scoped("waits twice as long before each redelivery, up to its cap, so an outage of minutes is waited out", () =>
  Effect.gen(function* () {
    const broker = yield* makeInMemoryEventBroker({
      subscriptions: [{ name: "conversation", eventTypes: ["E"] }],
      maxDeliveries: 6,
      redeliveryDelay: "100 millis",
      maxRedeliveryDelay: "500 millis"
    })
    const attempts = yield* Ref.make(0)
    yield* broker.consume("conversation", () =>
      Ref.update(attempts, (n) => n + 1).pipe(Effect.zipRight(Effect.fail(new RetryableFailure({ reason: "storage down" }))))
    )
    yield* broker.publish([{ id: "m1", key: "user", eventType: "E", body: "{}" }])
    const after = (millis: number) =>
      TestClock.adjust(`${millis} millis`).pipe(Effect.zipRight(Effect.yieldNow()), Effect.zipRight(Ref.get(attempts)))
    expect(yield* after(0)).toBe(1)
    expect(yield* after(99)).toBe(1)
    expect(yield* after(1)).toBe(2)
    expect(yield* after(199)).toBe(2)
    expect(yield* after(1)).toBe(3)
    expect(yield* after(400)).toBe(4)
    // Capped: 500 ms, not 800.
    expect(yield* after(500)).toBe(5)
    expect(yield* after(500)).toBe(6)
    expect((yield* broker.deadLetters("conversation")).map((letter) => letter.deliveries)).toEqual([6])
  })
)
