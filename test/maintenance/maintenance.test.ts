import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { TableStatistics } from "../../application/maintenance/TableStatistics.js"
import { StorageUnavailable } from "../../application/ports/StorageUnavailable.js"
import { freshSchema, inCi, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"
import { maintenanceSuite } from "./maintenanceSuite.js"

maintenanceSuite("in memory", InMemoryStorage)

const reachable = await isReachable()

if (reachable) {
  // The Postgres adapters do not provide TableStatistics yet: a plain ANALYZE stands in for it.
  const analyze = Layer.effect(
    TableStatistics,
    Effect.map(SqlClient, (sql) => ({
      refresh: sql`ANALYZE`.pipe(
        Effect.asVoid,
        Effect.mapError((error) => new StorageUnavailable({ reason: error.message }))
      )
    }))
  )
  maintenanceSuite(
    "Postgres",
    Layer.merge(PgStorage, analyze).pipe(Layer.provide(freshSchema("maintenance"))),
    { analyzes: true }
  )
} else if (inCi) {
  describe("weekly maintenance (Postgres)", () => {
    it("reaches the test database", () => {
      expect.fail(`The test database at ${new URL(testDatabaseUrl).host} cannot be reached; CI must provide DATABASE_URL`)
    })
  })
} else {
  describe.skip(`weekly maintenance (Postgres not reachable at ${new URL(testDatabaseUrl).host})`, () => {
    it("runs over Postgres", () => undefined)
  })
}
