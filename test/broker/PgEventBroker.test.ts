import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { SqlClient } from "@effect/sql/SqlClient"
import { Context, Deferred, Duration, Effect, Layer, Logger, LogLevel, Option, Redacted, Ref, Schedule } from "effect"
import type { Scope } from "effect"
import { EmbeddedPglite } from "../../adapters/postgres/EmbeddedPglite.js"
import { MigrationsLive } from "../../adapters/postgres/Migrations.js"
import { PgEventBroker, type PgEventBrokerOptions } from "../../adapters/postgres/PgEventBroker.js"
import { BrokerUnavailable, EventBroker, RetryableFailure, type BrokerMessage } from "../../application/ports/EventBroker.js"
import { eventBrokerSuite, type BrokerTopology } from "../../testing/port-suites/EventBrokerSuite.js"
import { sharedLayer } from "../support/sharedLayer.js"
import { tcpProxy } from "../support/TcpProxy.js"
import { freshSchema, inCi, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"

const reachable = await isReachable()

/** Redeliveries in milliseconds, not the production seconds. */
const quick = (topology: BrokerTopology): PgEventBrokerOptions => ({
  ...topology,
  redeliveryDelay: () => Duration.millis(5),
  pollInterval: "50 millis",
  lease: "2 seconds"
})

const pgliteDir = mkdtempSync(join(tmpdir(), "pglite-broker-"))
afterAll(() => rmSync(pgliteDir, { recursive: true, force: true }))
const pglite = sharedLayer(EmbeddedPglite.layer({ dataDir: pgliteDir }))
// Starting PGlite and migrating takes seconds, more on a busy machine: not in the first test's time.
beforeAll(() => Effect.runPromise(Effect.scoped(Layer.build(MigrationsLive.pipe(Layer.provide(pglite))))), 120_000)

/** One embedded database for the file (starting one takes seconds), its queue emptied for each broker. */
const onPglite = (topology: BrokerTopology) =>
  PgEventBroker.layer(quick(topology)).pipe(
    Layer.provide(
      Layer.provideMerge(
        Layer.effectDiscard(Effect.flatMap(SqlClient, (sql) => sql`DELETE FROM event_deliveries`)).pipe(Layer.provide(MigrationsLive)),
        pglite
      )
    )
  )

eventBrokerSuite("PGlite (embedded)", onPglite)

let sequence = 0
const message = (key: string): BrokerMessage => {
  sequence += 1
  const id = `pg-${Date.now()}-${sequence}`
  return { id, key, eventType: "UserMessageReceivedEvent", body: JSON.stringify({ id }) }
}

const topology: BrokerTopology = {
  subscriptions: [{ name: "conversation", eventTypes: ["UserMessageReceivedEvent"] }],
  maxDeliveries: 3
}

const eventually = <A, E, R>(effect: Effect.Effect<A, E, R>, done: (value: A) => boolean, times = 600) =>
  effect.pipe(
    Effect.filterOrFail(done, () => new Error("not yet")),
    Effect.retry({ schedule: Schedule.spaced("20 millis"), times })
  )

/** The URL of a fresh schema's client, re-pointed at a local port (a proxy's). */
const throughPort = (client: PgClient.PgClient, port: number) => {
  const url = new URL(Redacted.value(Option.getOrThrow(Option.fromNullable(client.config.url))))
  url.hostname = "127.0.0.1"
  url.port = String(port)
  return Redacted.make(url.toString())
}

/** A broker of its own (as another process would have) on `client`'s schema, through `port` when given. */
const brokerOn = (client: PgClient.PgClient, options: PgEventBrokerOptions, port?: number) =>
  Effect.map(
    Layer.build(
      PgEventBroker.layer(options).pipe(
        Layer.provideMerge(
          port === undefined
            ? Layer.succeed(SqlClient, client)
            : PgClient.layer({ url: throughPort(client, port), maxConnections: 4, connectTimeout: "1 second" })
        )
      )
    ),
    (context) => ({ broker: Context.get(context, EventBroker), sql: Context.get(context, SqlClient) })
  )

const schemaClient = (label: string): Effect.Effect<PgClient.PgClient, unknown, Scope.Scope> =>
  Effect.map(Layer.build(freshSchema(label)), (context) => Context.get(context, PgClient.PgClient))

/** What was logged at Error level or above, by a test that provides `recordErrors`. */
const errorsLogged: Array<unknown> = []
const recordErrors = Logger.make(({ logLevel, message }) => {
  if (LogLevel.greaterThanEqual(logLevel, LogLevel.Error)) errorsLogged.push(message)
})

const rowsOf = (sql: SqlClient, id: string) =>
  sql<{ readonly state: string; readonly attempts: number }>`SELECT state, attempts FROM event_deliveries WHERE message_id = ${id}`

if (reachable) {
  eventBrokerSuite("Postgres", (topology) =>
    PgEventBroker.layer(quick(topology)).pipe(Layer.provide(freshSchema("broker_suite")))
  )

  describe("Postgres event broker", () => {
    it.live("two processes share the work, one key at a time and in order across both", () =>
      Effect.gen(function* () {
        const client = yield* schemaClient("broker_two")
        // Two keys at a time each, of six: neither process can hold every key, so the other always finds work.
        const options = { ...quick(topology), concurrency: 2 }
        const first = yield* brokerOn(client, options)
        const second = yield* brokerOn(client, options)
        const keys = Array.from({ length: 6 }, (_, i) => `shared-user-${i}`)
        const messages = Array.from({ length: 60 }, (_, i) => message(keys[i % keys.length]!))
        const handled = yield* Ref.make<ReadonlyArray<{ readonly by: string; readonly message: BrokerMessage }>>([])
        // No handler finishes before both processes hold a message: sharing is then shown, not left to timing
        // (on a loaded machine one process used to drain the queue alone). A broker that let only one
        // process claim would never open the gate, and the test would time out.
        const started = new Set<string>()
        const bothStarted = yield* Deferred.make<void>()
        const busy = new Set<string>()
        let overlaps = 0
        const handler = (by: string) => (m: BrokerMessage) =>
          Effect.gen(function* () {
            started.add(by)
            if (started.size === 2) yield* Deferred.succeed(bothStarted, undefined)
            yield* Deferred.await(bothStarted)
            if (busy.has(m.key)) overlaps += 1
            busy.add(m.key)
            yield* Effect.sleep("3 millis")
            busy.delete(m.key)
            yield* Ref.update(handled, (all) => [...all, { by, message: m }])
          })
        yield* first.broker.consume("conversation", handler("first"))
        yield* second.broker.consume("conversation", handler("second"))
        yield* first.broker.publish(messages.slice(0, 30))
        yield* second.broker.publish(messages.slice(30))
        const all = yield* eventually(Ref.get(handled), (done) => done.length >= messages.length)
        expect(all).toHaveLength(messages.length)
        expect(overlaps).toBe(0)
        for (const key of keys) {
          expect(all.filter((h) => h.message.key === key).map((h) => h.message.id)).toEqual(
            messages.filter((m) => m.key === key).map((m) => m.id)
          )
        }
        expect(new Set(all.map((h) => h.by))).toEqual(new Set(["first", "second"]))
      }).pipe(Effect.scoped), 30_000)

    it.live("completes each handled delivery at once, those handled at the same moment together", () =>
      Effect.gen(function* () {
        const client = yield* schemaClient("broker_complete")
        // A lease far longer than the wait below: a completion that did not land shows as a row still queued.
        const { broker, sql } = yield* brokerOn(client, { ...quick(topology), lease: Duration.seconds(60), concurrency: 8 })
        const messages = Array.from({ length: 8 }, (_, i) => message(`complete-user-${i}`))
        const handled = yield* Ref.make<ReadonlyArray<string>>([])
        const allStarted = yield* Deferred.make<void>()
        const started = new Set<string>()
        // Every handler finishes in the same moment, so their completions queue together.
        yield* broker.consume("conversation", (m) =>
          Effect.gen(function* () {
            started.add(m.id)
            if (started.size === messages.length) yield* Deferred.succeed(allStarted, undefined)
            yield* Deferred.await(allStarted)
            yield* Ref.update(handled, (ids) => [...ids, m.id])
          })
        )
        yield* broker.publish(messages)
        const states = (ids: ReadonlyArray<string>) =>
          sql<{ readonly state: string }>`SELECT state FROM event_deliveries WHERE message_id IN ${sql.in(ids)}`
        const settled = yield* eventually(
          states(messages.map((m) => m.id)),
          (rows) => rows.length === messages.length && rows.every((row) => row.state === "done")
        )
        expect(settled.map((row) => row.state)).toEqual(messages.map(() => "done"))
        // A completion on its own goes at once too.
        const lone = message("complete-user-lone")
        yield* broker.publish([lone])
        const loneRows = yield* eventually(rowsOf(sql, lone.id), (rows) => rows[0]?.state === "done")
        expect(loneRows.map((row) => row.state)).toEqual(["done"])
        expect([...(yield* Ref.get(handled))].sort()).toEqual([...messages, lone].map((m) => m.id).sort())
        expect(errorsLogged).toEqual([])
      }).pipe(Effect.scoped, Effect.provide(Logger.replace(Logger.defaultLogger, recordErrors))), 30_000)

    it.live("keeps its claims while their handlers run longer than the lease", () =>
      Effect.gen(function* () {
        const client = yield* schemaClient("broker_renew")
        const options = { ...quick(topology), lease: Duration.millis(300) }
        const first = yield* brokerOn(client, options)
        const second = yield* brokerOn(client, options)
        const handledBy = yield* Ref.make<ReadonlyArray<string>>([])
        // Two keys, so that the first consumer holds both claims at once.
        const slow = [message("slow-handler-user"), message("other-slow-handler-user")]
        yield* first.broker.consume("conversation", () =>
          Effect.sleep("1200 millis").pipe(Effect.zipRight(Ref.update(handledBy, (by) => [...by, "first"])))
        )
        yield* first.broker.publish(slow)
        for (const held of slow) yield* eventually(rowsOf(first.sql, held.id), (rows) => rows[0]?.attempts === 1)
        yield* second.broker.consume("conversation", () => Ref.update(handledBy, (by) => [...by, "second"]))
        for (const held of slow) yield* eventually(rowsOf(first.sql, held.id), (rows) => rows[0]?.state === "done")
        expect(yield* Ref.get(handledBy)).toEqual(["first", "first"])
      }).pipe(Effect.scoped), 30_000)

    it.live("delivers again, to another process, a message whose consumer vanished once its lease ends", () =>
      Effect.gen(function* () {
        const client = yield* schemaClient("broker_lease")
        const proxy = yield* tcpProxy({ host: new URL(testDatabaseUrl).hostname, port: Number(new URL(testDatabaseUrl).port || 5432) })
        const lease = Duration.millis(800)
        const options = { ...quick(topology), lease }
        const doomed = yield* brokerOn(client, options, proxy.port)
        const survivor = yield* brokerOn(client, options)
        const claimed = yield* Deferred.make<void>()
        const pending = message("vanished-consumer-user")
        yield* doomed.broker.consume("conversation", () => Deferred.succeed(claimed, undefined).pipe(Effect.zipRight(Effect.never)))
        yield* survivor.broker.publish([pending])
        yield* Deferred.await(claimed)
        const claimedBy = Date.now()
        // The process is gone as far as the database can tell: no renewal, no release.
        yield* proxy.cut
        const handled = yield* Ref.make<ReadonlyArray<string>>([])
        yield* survivor.broker.consume("conversation", (m) => Ref.update(handled, (ids) => [...ids, m.id]))
        yield* eventually(Ref.get(handled), (ids) => ids.length === 1)
        // Not before the lease ran out (less the few milliseconds between the claim and its handler starting).
        expect(Date.now() - claimedBy).toBeGreaterThanOrEqual(Duration.toMillis(lease) - 100)
        expect(yield* Ref.get(handled)).toEqual([pending.id])
        // Completed once its handler has returned: waited for, not raced.
        const rows = yield* eventually(rowsOf(survivor.sql, pending.id), (found) => found[0]?.state !== "queued")
        expect(rows).toEqual([{ state: "done", attempts: 2 }])
      }).pipe(Effect.scoped), 30_000)

    it.live("pauses while the database is down, resumes when it returns, and the outage costs no delivery", () =>
      Effect.gen(function* () {
        const client = yield* schemaClient("broker_outage")
        const proxy = yield* tcpProxy({ host: new URL(testDatabaseUrl).hostname, port: Number(new URL(testDatabaseUrl).port || 5432) })
        // One delivery only: had the outage counted, everything in flight would be dead-lettered.
        const { broker, sql } = yield* brokerOn(client, { ...quick(topology), maxDeliveries: 1 }, proxy.port)
        const down = yield* Ref.make(false)
        const callsWhileDown = yield* Ref.make(0)
        const handled = yield* Ref.make<ReadonlyArray<string>>([])
        const gate = yield* Deferred.make<void>()
        const started = yield* Ref.make(0)
        const messages = Array.from({ length: 8 }, (_, i) => message(`outage-user-${i % 4}`))
        // Like the real consumers: the handler's own storage failing is a retryable failure.
        yield* broker.consume("conversation", (m) =>
          Effect.gen(function* () {
            if (yield* Ref.get(down)) yield* Ref.update(callsWhileDown, (n) => n + 1)
            yield* Ref.update(started, (n) => n + 1)
            yield* Deferred.await(gate)
            yield* sql`SELECT 1`.pipe(Effect.mapError((error) => new RetryableFailure({ reason: `storage: ${error.message}` })))
            yield* Ref.update(handled, (ids) => [...ids, m.id])
          })
        )
        yield* broker.publish(messages)
        yield* eventually(Ref.get(started), (n) => n === 4)
        yield* proxy.cut
        yield* Ref.set(down, true)
        yield* Deferred.succeed(gate, undefined)
        expect(yield* Effect.flip(broker.publish([message("outage-user-0")]))).toBeInstanceOf(BrokerUnavailable)
        yield* Effect.sleep("1500 millis")
        const startedWhileDown = yield* Ref.get(callsWhileDown)
        yield* Ref.set(down, false)
        yield* proxy.restore
        const all = yield* eventually(Ref.get(handled), (ids) => ids.length >= messages.length)
        expect([...all].sort()).toEqual(messages.map((m) => m.id).sort())
        expect(startedWhileDown).toBe(0)
        expect(yield* broker.deadLetters("conversation")).toEqual([])
      }).pipe(Effect.scoped), 30_000)
  })
} else if (inCi) {
  describe("Postgres event broker", () => {
    it("reaches the test database", () => {
      expect.fail(`The test database at ${new URL(testDatabaseUrl).host} cannot be reached; CI must provide DATABASE_URL`)
    })
  })
}
