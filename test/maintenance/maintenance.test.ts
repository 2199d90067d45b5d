import { describe, expect, it } from "@effect/vitest"
import { Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { freshSchema, inCi, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"
import { maintenanceSuite } from "./maintenanceSuite.js"

maintenanceSuite("in memory", InMemoryStorage)

const reachable = await isReachable()

if (reachable) {
  maintenanceSuite("Postgres", PgStorage.pipe(Layer.provide(freshSchema("maintenance"))), { analyzes: true })
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
