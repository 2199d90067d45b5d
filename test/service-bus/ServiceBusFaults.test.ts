import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Redacted, Ref, Schedule } from "effect"
import { ServiceBusEventBroker, type ServiceBusEventBrokerOptions } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import { EventBroker, MessagesRefused, type BrokerMessage } from "../../application/ports/EventBroker.js"
import { startFakeServiceBus, type FakeServiceBusOptions } from "./FakeServiceBus.js"

/**
 * The adapter against the faults Azure Service Bus really has: lock renewal that ends, accepts
 * refused, a message returned on a link that closed, oversized messages, shutdown mid-work, and
 * the cost of a round trip per user.
 */
const subscriptions = [{ name: "conversation", eventTypes: ["UserMessageReceivedEvent"] }]

const message = (id: string, key: string, body = JSON.stringify({ id })): BrokerMessage => ({
  id,
  key,
  eventType: "UserMessageReceivedEvent",
  body
})

/** A fake namespace for one test, closed with its scope. */
const fakeNamespace = (options: Partial<FakeServiceBusOptions> = {}) =>
  Effect.acquireRelease(
    Effect.promise(() => startFakeServiceBus({ topic: "bot-events", subscriptions, maxDeliveryCount: 5, ...options })),
    (fake) => Effect.promise(() => fake.close())
  )

const brokerOn = (connectionString: string, tuning: Partial<ServiceBusEventBrokerOptions> = {}) =>
  ServiceBusEventBroker.layer({
    subscriptions,
    maxDeliveries: 5,
    topic: "bot-events",
    connectionString: Redacted.make(connectionString),
    sessionIdleTimeout: "150 millis",
    redeliveryDelay: "5 millis",
    operationTimeout: "10 seconds",
    ...tuning
  })

/** Polls `effect` until its value satisfies `done`. */
const eventually = <A, E>(effect: Effect.Effect<A, E>, done: (value: A) => boolean) =>
  effect.pipe(
    Effect.filterOrFail(done, () => new Error("not yet")),
    Effect.retry({ schedule: Schedule.spaced("20 millis"), times: 750 })
  )

/** Records each handling of a message, and the most handlers of one key that ran at the same time. */
const handlings = Effect.gen(function* () {
  const handled = yield* Ref.make<ReadonlyArray<string>>([])
  const running = yield* Ref.make(0)
  const mostAtOnce = yield* Ref.make(0)
  const around = <A, E>(m: BrokerMessage, work: Effect.Effect<A, E>) =>
    Effect.gen(function* () {
      const now = yield* Ref.updateAndGet(running, (n) => n + 1)
      yield* Ref.update(mostAtOnce, (most) => Math.max(most, now))
      yield* work
      yield* Ref.update(handled, (ids) => [...ids, m.id])
    }).pipe(Effect.ensuring(Ref.update(running, (n) => n - 1)))
  return { handled, mostAtOnce, around }
})

describe("Service Bus adapter under Azure's faults", () => {
  it.live("lets go of a busy session well before its lock renewal ends; the user's later events follow in order, one at a time", () =>
    Effect.gen(function* () {
      const fake = yield* fakeNamespace({ lockDurationMs: 1000 })
      const { handled, mostAtOnce, around } = yield* handlings
      const ids = Array.from({ length: 20 }, (_, i) => `busy-${i + 1}`)
      yield* Effect.gen(function* () {
        const broker = yield* EventBroker
        // 20 messages of 200 ms each keep the session busy for 4 s; the SDK renews its 1 s lock for 2.5 s only.
        yield* broker.consume("conversation", (m) => around(m, Effect.sleep("200 millis")))
        yield* broker.publish(ids.map((id) => message(id, "busy-user")))
        yield* eventually(
          Effect.sync(() => fake.pending()),
          (pending) => pending === 0
        )
      }).pipe(
        Effect.scoped,
        Effect.provide(brokerOn(fake.connectionString, { maxLockRenewal: "2500 millis", maxSessionHold: "1 second" }))
      )
      expect(yield* Ref.get(handled)).toEqual(ids)
      expect(yield* Ref.get(mostAtOnce)).toBe(1)
    }).pipe(Effect.scoped))

  it.live("retries only the accept the broker refused; a handler on another session carries on", () =>
    Effect.gen(function* () {
      const fake = yield* fakeNamespace()
      const { handled, around } = yield* handlings
      const started = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const interrupted = yield* Ref.make(0)
      yield* Effect.gen(function* () {
        const broker = yield* EventBroker
        yield* broker.consume("conversation", (m) =>
          m.key === "steady-user"
            ? around(m, Deferred.succeed(started, undefined).pipe(Effect.zipRight(Deferred.await(release)))).pipe(
                Effect.onInterrupt(() => Ref.update(interrupted, (n) => n + 1))
              )
            : around(m, Effect.void)
        )
        yield* broker.publish([message("steady-1", "steady-user")])
        yield* Deferred.await(started)
        fake.failAccepts(20, "com.microsoft:server-busy")
        yield* broker.publish([message("other-1", "other-user")])
        yield* eventually(Ref.get(handled), (ids) => ids.includes("other-1"))
        fake.failAccepts(4, "amqp:link:detach-forced")
        yield* broker.publish([message("other-2", "other-user")])
        yield* eventually(Ref.get(handled), (ids) => ids.includes("other-2"))
        yield* Deferred.succeed(release, undefined)
        yield* eventually(
          Effect.sync(() => fake.pending()),
          (pending) => pending === 0
        )
      }).pipe(Effect.scoped, Effect.provide(brokerOn(fake.connectionString)))
      expect(yield* Ref.get(interrupted)).toBe(0)
      expect([...(yield* Ref.get(handled))].sort()).toEqual(["other-1", "other-2", "steady-1"])
    }).pipe(Effect.scoped))

  it.live("does not hand over a message that came on a link that has closed; it is handled once, after redelivery", () =>
    Effect.gen(function* () {
      const fake = yield* fakeNamespace()
      const { handled, around } = yield* handlings
      yield* Effect.gen(function* () {
        const broker = yield* EventBroker
        yield* broker.consume("conversation", (m) => around(m, Effect.void))
        yield* broker.publish([message("drain-1", "drain-user")])
        yield* eventually(Ref.get(handled), (ids) => ids.length === 1)
        fake.sendOnDrainAndHang("drain-user")
        yield* broker.publish([message("drain-2", "drain-user")])
        yield* eventually(
          Effect.sync(() => fake.pending()),
          (pending) => pending === 0
        )
      }).pipe(Effect.scoped, Effect.provide(brokerOn(fake.connectionString)))
      expect(yield* Ref.get(handled)).toEqual(["drain-1", "drain-2"])
    }).pipe(Effect.scoped))

  it.live("refuses an event over the size limit for good and still sends the rest of the batch", () =>
    Effect.gen(function* () {
      const fake = yield* fakeNamespace()
      const { handled, around } = yield* handlings
      const oversized = message("big-1", "big-user", "x".repeat(300_000))
      yield* Effect.gen(function* () {
        const broker = yield* EventBroker
        yield* broker.consume("conversation", (m) => around(m, Effect.void))
        const refused = yield* broker
          .publish([message("small-1", "small-user"), oversized, message("small-2", "other-user"), message("big-2", "big-user")])
          .pipe(Effect.flip)
        expect(refused).toBeInstanceOf(MessagesRefused)
        expect(refused._tag === "MessagesRefused" ? refused.refused.map((r) => r.id) : []).toEqual(["big-1"])
        yield* eventually(Ref.get(handled), (ids) => ids.length === 3)
        yield* eventually(
          Effect.sync(() => fake.pending()),
          (pending) => pending === 0
        )
      }).pipe(Effect.scoped, Effect.provide(brokerOn(fake.connectionString)))
      expect([...(yield* Ref.get(handled))].sort()).toEqual(["big-2", "small-1", "small-2"])
    }).pipe(Effect.scoped))

  it.live("finds the oversized message in a batch the broker refused as too large, and sends the others", () =>
    Effect.gen(function* () {
      // The links announce 1 MB, so the SDK batches what the service then refuses (256 KB).
      const fake = yield* fakeNamespace({ advertisedMaxMessageSizeBytes: 1_048_576 })
      const { handled, around } = yield* handlings
      yield* Effect.gen(function* () {
        const broker = yield* EventBroker
        yield* broker.consume("conversation", (m) => around(m, Effect.void))
        const refused = yield* broker
          .publish([message("before-1", "mixed-user"), message("huge-1", "mixed-user", "y".repeat(400_000)), message("after-1", "mixed-user")])
          .pipe(Effect.flip)
        expect(refused._tag === "MessagesRefused" ? refused.refused.map((r) => r.id) : []).toEqual(["huge-1"])
        yield* eventually(Ref.get(handled), (ids) => ids.length === 2)
      }).pipe(Effect.scoped, Effect.provide(brokerOn(fake.connectionString)))
      expect(yield* Ref.get(handled)).toEqual(["before-1", "after-1"])
    }).pipe(Effect.scoped))

  it.live("on shutdown lets a handler in progress finish and settles its message", () =>
    Effect.gen(function* () {
      const fake = yield* fakeNamespace()
      const { handled, around } = yield* handlings
      const started = yield* Deferred.make<void>()
      yield* Effect.gen(function* () {
        const broker = yield* EventBroker
        yield* broker.consume("conversation", (m) =>
          around(m, Deferred.succeed(started, undefined).pipe(Effect.zipRight(Effect.sleep("500 millis"))))
        )
        yield* broker.publish([message("deploy-1", "deploy-user")])
        yield* Deferred.await(started)
      }).pipe(Effect.scoped, Effect.provide(brokerOn(fake.connectionString, { shutdownGrace: "5 seconds" })))
      expect(yield* Ref.get(handled)).toEqual(["deploy-1"])
      expect(fake.pending()).toBe(0)
    }).pipe(Effect.scoped))

  it.live("on shutdown gives up on a handler that outlasts the grace, leaving its message for redelivery", () =>
    Effect.gen(function* () {
      const fake = yield* fakeNamespace()
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      yield* Effect.gen(function* () {
        const broker = yield* EventBroker
        yield* broker.consume("conversation", () =>
          Deferred.succeed(started, undefined).pipe(
            Effect.zipRight(Effect.never),
            Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
          )
        )
        yield* broker.publish([message("stuck-1", "stuck-user")])
        yield* Deferred.await(started)
      }).pipe(Effect.scoped, Effect.provide(brokerOn(fake.connectionString, { shutdownGrace: "300 millis" })))
      expect(yield* Deferred.isDone(interrupted)).toBe(true)
      expect(fake.pending()).toBe(1)
    }).pipe(Effect.scoped))

  it.live("sends different users' batches at the same time, one user's in order", () =>
    Effect.gen(function* () {
      const fake = yield* fakeNamespace({ sendLatencyMs: 100 })
      const { handled, around } = yield* handlings
      const users = Array.from({ length: 10 }, (_, i) => `user-${i + 1}`)
      yield* Effect.gen(function* () {
        const broker = yield* EventBroker
        yield* broker.consume("conversation", (m) => around(m, Effect.void))
        yield* broker.publish(users.flatMap((user) => [message(`${user}-a`, user), message(`${user}-b`, user)]))
        yield* eventually(Ref.get(handled), (ids) => ids.length === 20)
      }).pipe(Effect.scoped, Effect.provide(brokerOn(fake.connectionString)))
      // One round trip per user still, but at the same time: before, one transfer at a time.
      expect(fake.transfers()).toBe(10)
      expect(fake.maxConcurrentTransfers()).toBeGreaterThan(1)
      const order = yield* Ref.get(handled)
      for (const user of users) expect(order.indexOf(`${user}-a`)).toBeLessThan(order.indexOf(`${user}-b`))
    }).pipe(Effect.scoped))
})
