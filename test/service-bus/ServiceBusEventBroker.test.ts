import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Layer, Redacted, Ref, Schedule } from "effect"
import { afterAll, beforeAll } from "vitest"
import { ServiceBusEventBroker, type ServiceBusTuning } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import { EventBroker, type BrokerMessage } from "../../application/ports/EventBroker.js"
import { eventBrokerContract, type BrokerTopology } from "../../runtimes/harness/contracts/EventBrokerContract.js"
import { startFakeServiceBus, type FakeServiceBus } from "./FakeServiceBus.js"

/** Short waits so that idle sessions and redeliveries take milliseconds, not the production seconds. */
const fastTuning: ServiceBusTuning = {
  sessionIdleTimeout: "150 millis",
  redeliveryDelay: "5 millis",
  operationTimeout: "10 seconds"
}

/** A fresh fake namespace per layer build, closed with it. */
const brokerOnFake = (topology: BrokerTopology, tuning: ServiceBusTuning = fastTuning, lockDurationMs?: number) =>
  Layer.unwrapScoped(
    Effect.map(
      Effect.acquireRelease(
        Effect.promise(() =>
          startFakeServiceBus({ topic: "bot-events", subscriptions: topology.subscriptions, maxDeliveryCount: topology.maxDeliveries, lockDurationMs })
        ),
        (fake) => Effect.promise(() => fake.close())
      ),
      (fake) =>
        ServiceBusEventBroker.layer({
          ...topology,
          ...tuning,
          topic: "bot-events",
          connectionString: Redacted.make(fake.connectionString)
        })
    )
  )

eventBrokerContract("Azure Service Bus (real SDK over AMQP to a fake namespace)", (topology) => brokerOnFake(topology))

describe("Service Bus adapter on the fake namespace", () => {
  const topology: BrokerTopology = {
    subscriptions: [{ name: "conversation", eventTypes: ["UserMessageReceivedEvent"] }],
    maxDeliveries: 3
  }
  let fake: FakeServiceBus
  let lockLostFake: FakeServiceBus
  beforeAll(async () => {
    fake = await startFakeServiceBus({ topic: "bot-events", subscriptions: topology.subscriptions, maxDeliveryCount: 3, lockDurationMs: 1500 })
    lockLostFake = await startFakeServiceBus({ topic: "bot-events", subscriptions: topology.subscriptions, maxDeliveryCount: 3, lockDurationMs: 400 })
  })
  afterAll(async () => {
    await fake.close()
    await lockLostFake.close()
  })

  const message = (id: string, key: string): BrokerMessage => ({
    id,
    key,
    eventType: "UserMessageReceivedEvent",
    body: JSON.stringify({ id, event_type: "UserMessageReceivedEvent" })
  })

  const on = (namespace: () => FakeServiceBus, tuning: ServiceBusTuning = fastTuning) =>
    Layer.suspend(() =>
      ServiceBusEventBroker.layer({
        ...topology,
        ...tuning,
        topic: "bot-events",
        connectionString: Redacted.make(namespace().connectionString)
      })
    )

  it.live("drops a message id sent again, in later batches too, and keeps the body intact", () =>
    Effect.gen(function* () {
      const broker = yield* EventBroker
      const first = message("dup-1", "dup-user")
      const before = fake.accepted()
      yield* broker.publish([first, first])
      yield* broker.publish([first, { ...first, body: "changed" }])
      expect(fake.accepted() - before).toBe(1)
      const received = yield* Deferred.make<BrokerMessage>()
      yield* broker.consume("conversation", (m) => Deferred.succeed(received, m))
      expect(yield* Deferred.await(received)).toEqual(first)
    }).pipe(Effect.scoped, Effect.provide(on(() => fake))))

  it.live("keeps the session lock by renewing it while a handler outlasts it", () =>
    Effect.gen(function* () {
      const broker = yield* EventBroker
      const attempts = yield* Ref.make(0)
      const done = yield* Deferred.make<void>()
      yield* broker.consume("conversation", () =>
        Ref.update(attempts, (n) => n + 1).pipe(
          Effect.zipRight(Effect.sleep("2500 millis")),
          Effect.zipRight(Deferred.succeed(done, undefined))
        )
      )
      yield* broker.publish([message("slow-1", "renew-user")])
      yield* Deferred.await(done)
      yield* Effect.sleep("300 millis")
      expect(yield* Ref.get(attempts)).toBe(1)
      expect(yield* broker.deadLetters("conversation")).toEqual([])
    }).pipe(Effect.scoped, Effect.provide(on(() => fake))))

  it.live("redelivers a message whose session lock was lost, and goes on with the session", () =>
    Effect.gen(function* () {
      const broker = yield* EventBroker
      const seen = yield* Ref.make<ReadonlyArray<string>>([])
      const first = message("lost-1", "lost-user")
      const second = message("lost-2", "lost-user")
      yield* broker.consume("conversation", (m) =>
        Effect.gen(function* () {
          const before = yield* Ref.getAndUpdate(seen, (ids) => [...ids, m.id])
          // The first delivery outlasts the 400 ms lock, which nothing renews.
          if (before.length === 0) yield* Effect.sleep("700 millis")
        })
      )
      yield* broker.publish([first, second])
      const order = yield* Ref.get(seen).pipe(
        Effect.filterOrFail((ids) => ids.length >= 3, () => new Error("not yet")),
        Effect.retry({ schedule: Schedule.spaced("20 millis"), times: 500 })
      )
      expect(order.slice(0, 3)).toEqual([first.id, first.id, second.id])
      expect(yield* broker.deadLetters("conversation")).toEqual([])
    }).pipe(Effect.scoped, Effect.provide(on(() => lockLostFake, { ...fastTuning, maxLockRenewal: 0 }))))
})
