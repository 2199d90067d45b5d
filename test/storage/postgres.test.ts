import { describe, expect, it } from "@effect/vitest"
import { Layer } from "effect"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { storageContracts } from "../../runtimes/harness/contracts/storage/storageContracts.js"
import { sharedLayer } from "../support/sharedLayer.js"
import { assertTestDatabase, freshSchema, inCi, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"

const reachable = await isReachable()

if (reachable) {
  storageContracts("Postgres", sharedLayer(PgStorage.pipe(Layer.provide(freshSchema("contracts")))))
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
