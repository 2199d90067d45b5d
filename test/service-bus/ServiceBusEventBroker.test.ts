import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Deferred, Duration, Effect, Layer, Redacted, Ref, Schedule } from "effect"
import { afterAll, beforeAll } from "vitest"
import { ServiceBusConfig, ServiceBusEventBroker, type ServiceBusTuning } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import { BrokerUnavailable, EventBroker, PermanentFailure, type BrokerMessage } from "../../application/ports/EventBroker.js"
import { eventBrokerSuite, type BrokerTopology } from "../../testing/port-suites/EventBrokerSuite.js"
import { startFakeServiceBus, type FakeServiceBus } from "./FakeServiceBus.js"

/** Short waits so that idle sessions and redeliveries take milliseconds, not the production seconds. */
const fastTuning: ServiceBusTuning = {
  sessionIdleTimeout: "150 millis",
  redeliveryDelay: "5 millis",
  operationTimeout: "10 seconds"
}

/** A fresh fake namespace per layer build, closed with it. */
const brokerOnFake = (topology: BrokerTopology) =>
  Layer.unwrapScoped(
    Effect.map(
      Effect.acquireRelease(
        Effect.promise(() =>
          startFakeServiceBus({ topic: "bot-events", subscriptions: topology.subscriptions, maxDeliveryCount: topology.maxDeliveries })
        ),
        (fake) => Effect.promise(() => fake.close())
      ),
      (fake) =>
        ServiceBusEventBroker.layer({
          ...topology,
          ...fastTuning,
          topic: "bot-events",
          connectionString: Redacted.make(fake.connectionString)
        })
    )
  )

/** Polls `effect` until its value satisfies `done`. */
const eventually = <A, E>(effect: Effect.Effect<A, E>, done: (value: A) => boolean) =>
  effect.pipe(
    Effect.filterOrFail(done, () => new Error("not yet")),
    Effect.retry({ schedule: Schedule.spaced("20 millis"), times: 500 })
  )

eventBrokerSuite("Azure Service Bus (real SDK over AMQP to a fake namespace)", (topology) => brokerOnFake(topology))

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
      const received = yield* Ref.make<ReadonlyArray<BrokerMessage>>([])
      yield* broker.consume("conversation", (m) => Ref.update(received, (all) => [...all, m]))
      yield* eventually(Ref.get(received), (all) => all.length >= 1)
      yield* Effect.sleep("300 millis")
      expect(yield* Ref.get(received)).toEqual([first])
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
      const order = yield* eventually(Ref.get(seen), (ids) => ids.length >= 3)
      expect(order.slice(0, 3)).toEqual([first.id, first.id, second.id])
      expect(yield* broker.deadLetters("conversation")).toEqual([])
    }).pipe(Effect.scoped, Effect.provide(on(() => lockLostFake, { ...fastTuning, maxLockRenewal: 0 }))))
})

describe("Service Bus dead letter replay", () => {
  const topology: BrokerTopology = {
    subscriptions: [
      { name: "conversation", eventTypes: ["UserMessageReceivedEvent"] },
      { name: "audit", eventTypes: ["UserMessageReceivedEvent"] }
    ],
    maxDeliveries: 3
  }

  it.live("reaches only the subscription it came from, with its original id", () =>
    Effect.gen(function* () {
      const broker = yield* EventBroker
      const failing = yield* Ref.make(true)
      const conversation = yield* Ref.make<ReadonlyArray<string>>([])
      const audit = yield* Ref.make<ReadonlyArray<string>>([])
      yield* broker.consume("conversation", (m) =>
        Effect.gen(function* () {
          if (yield* Ref.get(failing)) return yield* new PermanentFailure({ reason: "not yet" })
          yield* Ref.update(conversation, (ids) => [...ids, m.id])
        })
      )
      yield* broker.consume("audit", (m) => Ref.update(audit, (ids) => [...ids, m.id]))
      yield* broker.publish([{ id: "replay-1", key: "replay-user", eventType: "UserMessageReceivedEvent", body: "{}" }])
      yield* eventually(broker.deadLetters("conversation"), (letters) => letters.length === 1)
      yield* Ref.set(failing, false)
      expect(yield* broker.replayDeadLetter("conversation", "replay-1")).toBe(true)
      expect(yield* eventually(Ref.get(conversation), (ids) => ids.length === 1)).toEqual(["replay-1"])
      yield* Effect.sleep("300 millis")
      expect(yield* Ref.get(audit)).toEqual(["replay-1"])
      expect(yield* broker.deadLetters("conversation")).toEqual([])
      expect(yield* broker.replayDeadLetter("conversation", "replay-1")).toBe(false)
    }).pipe(Effect.scoped, Effect.provide(brokerOnFake(topology))))
})

describe("Service Bus adapter settings and outages", () => {
  const topology: BrokerTopology = {
    subscriptions: [{ name: "conversation", eventTypes: ["UserMessageReceivedEvent"] }],
    maxDeliveries: 3
  }
  const start = () =>
    Effect.acquireRelease(
      Effect.promise(() => startFakeServiceBus({ topic: "bot-events", subscriptions: topology.subscriptions, maxDeliveryCount: 3 })),
      (fake) => Effect.promise(() => fake.close())
    )
  const message = (id: string): BrokerMessage => ({ id, key: "outage-user", eventType: "UserMessageReceivedEvent", body: "{}" })

  it.live("reads SERVICEBUS_CONNECTION_STRING, with the topic bot-events unless SERVICEBUS_TOPIC says otherwise", () =>
    Effect.gen(function* () {
      const fake = yield* start()
      const settings = ConfigProvider.fromMap(new Map([["SERVICEBUS_CONNECTION_STRING", fake.connectionString]]))
      const handled = yield* Deferred.make<string>()
      yield* Effect.gen(function* () {
        const broker = yield* EventBroker
        yield* broker.consume("conversation", (m) => Deferred.succeed(handled, m.id))
        yield* broker.publish([message("config-1")])
        expect(yield* Deferred.await(handled)).toBe("config-1")
      }).pipe(
        Effect.provide(ServiceBusEventBroker.fromConfig(topology, fastTuning).pipe(Layer.provide(Layer.setConfigProvider(settings))))
      )
      const missing = yield* Layer.build(ServiceBusEventBroker.fromConfig(topology)).pipe(
        Effect.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map()))),
        Effect.flip
      )
      expect(String(missing)).toContain("SERVICEBUS_CONNECTION_STRING")
      const secret = "Endpoint=nonsense;SharedAccessKey=do-not-log-me"
      const invalid = yield* Layer.build(
        ServiceBusEventBroker.layer({ ...topology, topic: "bot-events", connectionString: Redacted.make(secret) })
      ).pipe(Effect.flip)
      expect(invalid).toBeInstanceOf(BrokerUnavailable)
      expect(String(invalid)).not.toContain("do-not-log-me")
    }).pipe(Effect.scoped))

  it.effect("reads SERVICEBUS_SHUTDOWN_GRACE, 20 seconds unless set", () =>
    Effect.gen(function* () {
      const read = (settings: ReadonlyArray<readonly [string, string]>) =>
        Effect.withConfigProvider(ServiceBusConfig, ConfigProvider.fromMap(new Map([["SERVICEBUS_CONNECTION_STRING", "x"], ...settings])))
      expect((yield* read([])).shutdownGrace).toEqual(Duration.seconds(20))
      expect((yield* read([["SERVICEBUS_SHUTDOWN_GRACE", "45 seconds"]])).shutdownGrace).toEqual(Duration.seconds(45))
      const malformed = yield* Effect.flip(read([["SERVICEBUS_SHUTDOWN_GRACE", "soon"]]))
      expect(String(malformed)).toContain("SERVICEBUS_SHUTDOWN_GRACE")
    }))

  it.live("publishing to a namespace that cannot be reached fails with BrokerUnavailable", () =>
    Effect.gen(function* () {
      const gone = yield* Effect.promise(() =>
        startFakeServiceBus({ topic: "bot-events", subscriptions: topology.subscriptions, maxDeliveryCount: 3 })
      )
      yield* Effect.promise(() => gone.close())
      const error = yield* Effect.flatMap(EventBroker, (broker) => broker.publish([message("nowhere-1")])).pipe(
        Effect.provide(
          ServiceBusEventBroker.layer({ ...topology, ...fastTuning, topic: "bot-events", connectionString: Redacted.make(gone.connectionString) })
        ),
        Effect.flip
      )
      expect(error).toBeInstanceOf(BrokerUnavailable)
    }))

  it.live("a consumer comes back by itself after the namespace restarts", () =>
    Effect.gen(function* () {
      const firstFake = yield* Effect.promise(() =>
        startFakeServiceBus({ topic: "bot-events", subscriptions: topology.subscriptions, maxDeliveryCount: 3 })
      )
      const handled = yield* Ref.make<ReadonlyArray<string>>([])
      // The namespace after the restart outlives the consumer, so that the consumer stops against a live one.
      const restarted = yield* Effect.gen(function* () {
        const broker = yield* EventBroker
        yield* broker.consume("conversation", (m) => Ref.update(handled, (ids) => [...ids, m.id]))
        yield* broker.publish([message("before-restart")])
        yield* eventually(Ref.get(handled), (ids) => ids.length === 1)
        yield* Effect.promise(() => firstFake.close())
        const secondFake = yield* Effect.promise(() =>
          startFakeServiceBus({ topic: "bot-events", subscriptions: topology.subscriptions, maxDeliveryCount: 3, port: firstFake.port })
        )
        yield* broker.publish([message("after-restart")]).pipe(Effect.retry({ schedule: Schedule.spaced("200 millis"), times: 10 }))
        expect(yield* eventually(Ref.get(handled), (ids) => ids.length === 2)).toEqual(["before-restart", "after-restart"])
        return secondFake
      }).pipe(
        Effect.scoped,
        Effect.provide(
          ServiceBusEventBroker.layer({
            ...topology,
            ...fastTuning,
            // The SDK reconnects its links within the operation timeout.
            operationTimeout: "3 seconds",
            topic: "bot-events",
            connectionString: Redacted.make(firstFake.connectionString)
          })
        )
      )
      yield* Effect.promise(() => restarted.close())
    }))
})
