import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqlClient } from "@effect/sql/SqlClient"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { EmbeddedPglite } from "../../adapters/postgres/EmbeddedPglite.js"

const dataDir = mkdtempSync(join(tmpdir(), "pglite-concurrency-"))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe("embedded PGlite under concurrency", () => {
  // pglite-socket queues protocol messages, not statements: with several pooled connections the
  // statements of two of them got mixed up. This is the regression test of that.
  it.live("never mixes up concurrent statements and transactions", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient
      yield* sql`CREATE TABLE IF NOT EXISTS mixed (id int PRIMARY KEY, v text NOT NULL)`
      const results = yield* Effect.all(
        Array.from({ length: 600 }, (_, i) =>
          i % 3 === 0
            ? sql
                .withTransaction(
                  Effect.zipRight(
                    sql`INSERT INTO mixed VALUES (${i}, ${`v${i}`})`,
                    sql`SELECT v FROM mixed WHERE id = ${i}`
                  )
                )
                .pipe(Effect.map((rows) => rows[0]?.["v"] === `v${i}`))
            : sql`SELECT ${i}::int AS a, ${`x${i}`}::text AS b`.pipe(
                Effect.map((rows) => rows[0]?.["a"] === i && rows[0]?.["b"] === `x${i}`)
              )
        ),
        { concurrency: "unbounded" }
      )
      expect(results.filter((ok) => !ok)).toEqual([])
      expect(yield* sql`SELECT count(*)::int AS n FROM mixed`).toEqual([{ n: 200 }])
    }).pipe(Effect.provide(EmbeddedPglite.layer({ dataDir }))), 120_000)
})
