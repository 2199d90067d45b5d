import { describe, expect, it } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { SqlClient } from "@effect/sql/SqlClient"
import { Context, Deferred, Effect, Layer, Option, Redacted, Ref, Schedule } from "effect"
import { MigrationsLive } from "../../adapters/postgres/Migrations.js"
import { PgReadiness } from "../../adapters/postgres/PgReadiness.js"
import { ServiceBusEventBroker } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import { EventBroker, StorageOutage, type BrokerMessage, type MessageHandler } from "../../application/ports/EventBroker.js"
import { Readiness } from "../../application/ports/Readiness.js"
import { makeStoragePause } from "../../application/workers/pauseWhileStorageDown.js"
import { startFakeServiceBus } from "../service-bus/FakeServiceBus.js"
import { tcpProxy } from "../support/TcpProxy.js"
import { freshSchema, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"

const reachable = await isReachable()

const subscriptions = [{ name: "conversation", eventTypes: ["UserMessageReceivedEvent"] }]
/** The retry budget, shortened: three deliveries 5 ms apart, on Service Bus and in the adapter alike. */
const maxDeliveries = 3

const messages: ReadonlyArray<BrokerMessage> = Array.from({ length: 4 }, (_, i) => ({
  id: `pause-${i + 1}`,
  key: `person-${i + 1}`,
  eventType: "UserMessageReceivedEvent",
  body: "{}"
}))

const eventually = <A, E>(effect: Effect.Effect<A, E>, done: (value: A) => boolean) =>
  effect.pipe(
    Effect.filterOrFail(done, () => new Error("not yet")),
    Effect.retry({ schedule: Schedule.spaced("20 millis"), times: 1500 })
  )

/**
 * A consumer on Service Bus (the fake namespace) whose storage is Postgres through a proxy the test
 * cuts: four messages in hand when the database goes, kept down far longer than the retry budget.
 * `wrap` is what the workers put around the handler.
 */
const outage = (wrap: (handler: MessageHandler) => Effect.Effect<MessageHandler, never, Readiness>) =>
  Effect.gen(function* () {
    const fake = yield* Effect.acquireRelease(
      Effect.promise(() => startFakeServiceBus({ topic: "bot-events", subscriptions, maxDeliveryCount: maxDeliveries })),
      (namespace) => Effect.promise(() => namespace.close())
    )
    const direct = Context.get(yield* Layer.build(freshSchema("storage_pause")), PgClient.PgClient)
    yield* Layer.build(MigrationsLive.pipe(Layer.provide(Layer.succeed(SqlClient, direct))))
    const target = new URL(testDatabaseUrl)
    const proxy = yield* tcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    const url = new URL(Redacted.value(Option.getOrThrow(Option.fromNullable(direct.config.url))))
    url.hostname = "127.0.0.1"
    url.port = String(proxy.port)
    const storage = yield* Layer.build(
      PgReadiness.pipe(Layer.provideMerge(PgClient.layer({ url: Redacted.make(url.toString()), maxConnections: 4, connectTimeout: "1 second" })))
    )
    const sql = Context.get(storage, SqlClient)
    const probes = yield* Ref.make(0)
    const readiness = Readiness.of({
      check: Ref.update(probes, (n) => n + 1).pipe(Effect.zipRight(Context.get(storage, Readiness).check))
    })
    const broker = Context.get(
      yield* Layer.build(
        ServiceBusEventBroker.layer({
          subscriptions,
          maxDeliveries,
          topic: "bot-events",
          connectionString: Redacted.make(fake.connectionString),
          sessionIdleTimeout: "150 millis",
          redeliveryDelay: "5 millis",
          operationTimeout: "10 seconds"
        })
      ),
      EventBroker
    )

    const calls = yield* Ref.make(0)
    const handled = yield* Ref.make<ReadonlyArray<string>>([])
    const gate = yield* Deferred.make<void>()
    // As the real consumers: their storage failing is a StorageOutage.
    const handler: MessageHandler = (m) =>
      Effect.gen(function* () {
        yield* Ref.update(calls, (n) => n + 1)
        yield* Deferred.await(gate)
        yield* sql`SELECT 1`.pipe(Effect.mapError((error) => new StorageOutage({ reason: `storage: ${error.message}` })))
        yield* Ref.update(handled, (ids) => [...ids, m.id])
      })
    yield* broker.consume("conversation", yield* Effect.provideService(wrap(handler), Readiness, readiness))
    yield* broker.publish(messages)
    yield* eventually(Ref.get(calls), (n) => n === messages.length)
    yield* proxy.cut
    yield* Deferred.succeed(gate, undefined)
    return { broker, proxy, probes, calls, handled }
  })

describe.skipIf(!reachable)("consumers while their storage is down (Service Bus, Postgres cut)", () => {
  it.live("without the pause, the outage dead-letters every message in hand within the retry budget (the defect)", () =>
    Effect.gen(function* () {
      const { broker, proxy, handled } = yield* outage(Effect.succeed)
      const letters = yield* eventually(broker.deadLetters("conversation"), (found) => found.length === messages.length)
      yield* proxy.restore
      expect(letters.map((letter) => letter.deliveries)).toEqual(messages.map(() => maxDeliveries))
      expect(yield* Ref.get(handled)).toEqual([])
    }).pipe(Effect.scoped), 60_000
  )

  it.live("pause while storage does not answer, take no more work, and handle each message once when it returns; nothing dead-lettered", () =>
    Effect.gen(function* () {
      const { broker, proxy, probes, calls, handled } = yield* outage((handler) => Effect.map(makeStoragePause, (pausing) => pausing(handler)))
      // Storage asked five times (about 1.5 s of back-off): far past three deliveries 5 ms apart.
      yield* eventually(Ref.get(probes), (n) => n >= 5)
      const callsWhileDown = yield* Ref.get(calls)
      yield* proxy.restore
      const all = yield* eventually(Ref.get(handled), (ids) => ids.length >= messages.length)
      expect([...all].sort()).toEqual(messages.map((m) => m.id))
      // Each message was handled once before the cut and not again until storage answered.
      expect(callsWhileDown).toBe(messages.length)
      expect(yield* broker.deadLetters("conversation")).toEqual([])
    }).pipe(Effect.scoped), 60_000
  )
})
