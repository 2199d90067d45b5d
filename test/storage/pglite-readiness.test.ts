import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqlClient } from "@effect/sql/SqlClient"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Deferred, Effect, Either, Fiber, Layer, TestClock } from "effect"
import { latestMigrationId, migrationsTable } from "../../adapters/postgres/Migrations.js"
import { PostgresStorage } from "../../adapters/postgres/PostgresStorage.js"
import { Readiness } from "../../application/ports/Readiness.js"

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

  it.effect("asks the database again a second after start, and never answers from a later check", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient
      const readiness = yield* Readiness
      const breakMigrations = sql`DELETE FROM ${sql(migrationsTable)} WHERE migration_id = ${latestMigrationId}`
      const notReady = Effect.map(Effect.either(readiness.check), (answer) =>
        expect(Either.match(answer, { onLeft: (failure) => failure.reason, onRight: () => "ready" })).toContain("migrations not applied")
      )
      yield* breakMigrations
      // Still answered from the check made at start.
      yield* readiness.check
      yield* TestClock.adjust("1 second")
      yield* notReady
      yield* sql`INSERT INTO ${sql(migrationsTable)} (migration_id, name) VALUES (${latestMigrationId}, 'restored')`
      yield* readiness.check
      // A worker asking right after a failed statement is answered by the database, not by the check before.
      yield* breakMigrations
      yield* notReady
    }).pipe(Effect.provide(embedded("stale"))), 60_000)
})
