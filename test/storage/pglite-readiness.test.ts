import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqlClient } from "@effect/sql/SqlClient"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Deferred, Effect, Fiber, Layer, TestClock } from "effect"
import { latestMigrationId, migrationsTable } from "../../adapters/postgres/Migrations.js"
import { PostgresStorage } from "../../adapters/postgres/PostgresStorage.js"
import { NotReady, Readiness } from "../../application/ports/Readiness.js"

const root = mkdtempSync(join(tmpdir(), "pglite-readiness-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** The storage a bot with no DATABASE_URL starts with, as in pglite-restart.test.ts. */
const embedded = (name: string) =>
  PostgresStorage.fromConfig.pipe(
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["PGLITE_DATA_DIR", join(root, name)]]))))
  )

describe("embedded PGlite readiness", () => {
  // Its one session runs every statement in turn: a check asked as the workers start waited
  // behind each one's first poll (bench/cold-start, the first /ready of a PGlite restart).
  it.live("answers at start without waiting behind the statements queued on its session", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient
      const readiness = yield* Readiness
      const inTransaction = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const holder = yield* Effect.fork(sql.withTransaction(Effect.zipRight(Deferred.succeed(inTransaction, undefined), Deferred.await(release))))
      yield* Deferred.await(inTransaction)
      // Without a passed check to answer from, this waits for the held session until its 3 s timeout.
      const answered = yield* Effect.either(readiness.check)
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(holder)
      expect(answered._tag).toBe("Right")
    }).pipe(Effect.provide(embedded("held"))), 60_000)

  it.effect("asks the database again once the last passed check is a second old", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient
      const readiness = yield* Readiness
      yield* sql`DELETE FROM ${sql(migrationsTable)} WHERE migration_id = ${latestMigrationId}`
      // Still answered from the check made at start.
      yield* readiness.check
      yield* TestClock.adjust("1 second")
      const notReady = yield* Effect.flip(readiness.check)
      expect(notReady).toBeInstanceOf(NotReady)
      expect(notReady.reason).toContain("migrations not applied")
    }).pipe(Effect.provide(embedded("stale"))), 60_000)
})
