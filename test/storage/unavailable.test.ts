import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Fiber, Layer, Option, Redacted } from "effect"
import { PgClient } from "@effect/sql-pg"
import { PgClientLive } from "../../adapters/postgres/PgClientLive.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { InboundMessages } from "../../application/ports/InboundMessages.js"
import { NotReady, Readiness } from "../../application/ports/Readiness.js"
import { StorageUnavailable } from "../../application/ports/StorageUnavailable.js"
import { UnitOfWork } from "../../application/ports/UnitOfWork.js"
import { arrival, unique } from "../../testing/port-suites/storage/fixtures.js"
import { tcpProxy } from "../support/TcpProxy.js"
import { freshSchema, inCi, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"

const reachable = await isReachable()
const target = new URL(testDatabaseUrl)
const through = (port: number, url: string) => {
  const viaProxy = new URL(url)
  viaProxy.hostname = "127.0.0.1"
  viaProxy.port = String(port)
  return viaProxy.toString()
}

const record = () => Effect.flatMap(InboundMessages, (m) => m.recordArrivals([arrival({ waId: unique("972") })]))

describe.skipIf(!reachable && !inCi)("Postgres going away", () => {
  it.live("answers StorageUnavailable and NotReady while the database is down, and recovers", () =>
    Effect.gen(function* () {
      expect(reachable, `the test database at ${target.host} cannot be reached`).toBe(true)
      const proxy = yield* tcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
      // The fresh schema's own URL, re-pointed at the proxy.
      const schemaClient = Context.get(yield* Layer.build(freshSchema("unavailable")), PgClient.PgClient)
      const schemaUrl = Redacted.value(Option.getOrThrow(Option.fromNullable(schemaClient.config.url)))
      const storage = yield* Layer.build(
        PgStorage.pipe(
          Layer.provide(
            PgClient.layer({ url: Redacted.make(through(proxy.port, schemaUrl)), maxConnections: 2, connectTimeout: "2 seconds" })
          )
        )
      )
      const run = <A, E>(effect: Effect.Effect<A, E, InboundMessages | UnitOfWork | Readiness>) =>
        Effect.provide(effect, storage)

      expect(yield* run(record())).toHaveLength(1)

      yield* proxy.cut
      const down = yield* run(Effect.flip(record()))
      expect(down).toBeInstanceOf(StorageUnavailable)
      const inTransaction = yield* run(
        Effect.flip(
          Effect.flatMap(UnitOfWork, (u) => u.transaction(record()))
        )
      )
      expect(inTransaction).toBeInstanceOf(StorageUnavailable)
      expect(yield* run(Effect.flip(Effect.flatMap(Readiness, (r) => r.check)))).toBeInstanceOf(NotReady)

      yield* proxy.restore
      expect(yield* run(record())).toHaveLength(1)
      yield* run(Effect.flatMap(Readiness, (r) => r.check))
    }).pipe(Effect.scoped), 60_000)

  it.live("retries building the pool while the database cannot be reached at start", () =>
    Effect.gen(function* () {
      expect(reachable, `the test database at ${target.host} cannot be reached`).toBe(true)
      const proxy = yield* tcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
      yield* proxy.cut
      const config = ConfigProvider.fromMap(new Map([["DATABASE_URL", through(proxy.port, testDatabaseUrl)]]))
      const starting = yield* Layer.build(PgClientLive.pipe(Layer.provide(Layer.setConfigProvider(config)))).pipe(Effect.fork)
      yield* Effect.sleep("1 second")
      yield* proxy.restore
      const sql = Context.get(yield* Fiber.join(starting), PgClient.PgClient)
      expect(yield* sql`SELECT 1 AS one`).toEqual([{ one: 1 }])
    }).pipe(Effect.scoped), 60_000)

  it.live("fails at once, with the setting's name, when DATABASE_URL is missing", () =>
    Effect.gen(function* () {
      const failure = yield* Layer.build(
        PgClientLive.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map()))))
      ).pipe(Effect.scoped, Effect.flip)
      expect(String(failure)).toContain("DATABASE_URL")
    }))
})
