import { describe, expect, it } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Option } from "effect"
import { migrations, MigrationsLive } from "../../adapters/postgres/Migrations.js"
import { PgReadiness } from "../../adapters/postgres/PgReadiness.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { NotReady, Readiness } from "../../application/ports/Readiness.js"
import { storageSuites } from "../../testing/port-suites/storage/storageSuites.js"
import { sharedLayer } from "../support/sharedLayer.js"
import { assertTestDatabase, freshSchema, inCi, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"

const reachable = await isReachable()

if (reachable) {
  storageSuites("Postgres", sharedLayer(PgStorage.pipe(Layer.provide(freshSchema("contracts")))))

  describe("Postgres readiness", () => {
    it.live("is not ready before the migrations ran", () =>
      Effect.gen(function* () {
        const result = yield* Effect.flip((yield* Readiness).check)
        expect(result).toBeInstanceOf(NotReady)
      }).pipe(Effect.provide(PgReadiness.pipe(Layer.provide(freshSchema("unmigrated"))))))

    it.live("is ready once they ran, and running them again changes nothing", () =>
      Effect.gen(function* () {
        yield* (yield* Readiness).check
      }).pipe(Effect.provide(PgStorage.pipe(Layer.provide(Layer.provideMerge(MigrationsLive, freshSchema("migrated")))))))

    it.live("migrates once when several processes start together", () =>
      Effect.gen(function* () {
        const client = yield* PgClient.PgClient
        const url = Option.getOrThrow(Option.fromNullable(client.config.url))
        // Each start has its own pool, as separate processes would; they race to create the table.
        yield* Effect.all(
          Array.from({ length: 4 }, () =>
            Layer.build(MigrationsLive.pipe(Layer.provide(PgClient.layer({ url, maxConnections: 2 }))))
          ),
          { concurrency: "unbounded" }
        )
        expect(yield* client`SELECT count(*)::int AS n FROM effect_sql_migrations`).toEqual([{ n: Object.keys(migrations).length }])
      }).pipe(Effect.scoped, Effect.provide(freshSchema("race"))))
  })
} else if (inCi) {
  describe("Postgres", () => {
    it("reaches the test database", () => {
      expect.fail(`The test database at ${new URL(testDatabaseUrl).host} cannot be reached; CI must provide DATABASE_URL`)
    })
  })
} else {
  describe.skip(`Postgres (not reachable at ${new URL(testDatabaseUrl).host}: start it or set DATABASE_URL)`, () => {
    it("runs the storage contracts", () => undefined)
  })
}

describe("the test database guard", () => {
  it("refuses a database whose name lacks 'test'", () => {
    expect(() => assertTestDatabase("postgres://postgres@127.0.0.1:5432/production")).toThrow(/must contain "test"/)
    expect(assertTestDatabase("postgres://postgres@127.0.0.1:5432/bot_test")).toBe("bot_test")
  })
})
