import { SqlClient } from "@effect/sql/SqlClient"
import * as Migrator from "@effect/sql/Migrator"
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { contractSteps, migrations } from "../../adapters/postgres/Migrations.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"

/** What the previous version of the code relies on: tables, columns with their types and nullability, CHECKs. */
const schemaShape = Effect.gen(function* () {
  const sql = yield* SqlClient
  const columns = yield* sql<{ readonly key: string; readonly nullable: boolean }>`
    SELECT table_name || '.' || column_name || ' ' || data_type AS key, is_nullable = 'YES' AS nullable
    FROM information_schema.columns WHERE table_schema = current_schema()`
  const checks = yield* sql<{ readonly key: string }>`
    SELECT rel.relname || ' ' || pg_get_constraintdef(con.oid) AS key
    FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
    WHERE con.contype IN ('c', 'u') AND rel.relnamespace = current_schema()::regnamespace`
  return {
    columns: new Set(columns.map((row) => row.key)),
    notNull: new Set(columns.filter((row) => !row.nullable).map((row) => row.key)),
    checks: new Set(checks.map((row) => row.key))
  }
})

type Shape = Effect.Effect.Success<typeof schemaShape>

/** What the migration took away or tightened: anything of `before` not in `after`, and constraints added to existing tables. */
const contractions = (before: Shape, after: Shape): ReadonlyArray<string> => {
  const tablesBefore = new Set([...before.columns].map((key) => key.split(".")[0]))
  const removed = [...before.columns].filter((key) => !after.columns.has(key)).map((key) => `column changed or dropped: ${key}`)
  const required = [...after.notNull]
    .filter((key) => before.columns.has(key) && !before.notNull.has(key))
    .map((key) => `NOT NULL added: ${key}`)
  const tightened = [...after.checks]
    .filter((key) => !before.checks.has(key) && tablesBefore.has(key.split(" ")[0]))
    .map((key) => `constraint added to an existing table: ${key}`)
  return [...removed, ...required, ...tightened]
}

const ids = Object.keys(migrations).sort()

/** Applies the migrations up to and including `id`, as a deploy of that version would. */
const migrateTo = (id: string) =>
  Migrator.make({})({
    loader: Migrator.fromRecord(Object.fromEntries(Object.entries(migrations).filter(([key]) => key <= id))),
    table: "effect_sql_migrations"
  })

const reachable = await isReachable()

describe("the schema migrations", () => {
  if (!reachable && !inCi) return
  layer(freshSchema("migration_rules"), { timeout: 120_000 })("applied one by one", (it) => {
    it.effect("are additive, except the contract steps listed with their reason", () =>
      Effect.gen(function* () {
        const found: Record<string, ReadonlyArray<string>> = {}
        for (const id of ids) {
          const before = yield* schemaShape
          yield* migrateTo(id)
          const changed = contractions(before, yield* schemaShape)
          if (changed.length > 0) found[id] = changed
        }
        expect(Object.keys(found).filter((id) => contractSteps[id] === undefined), JSON.stringify(found, null, 1)).toEqual([])
        // A listed step that contracts nothing is a stale entry.
        expect(Object.keys(contractSteps).filter((id) => found[id] === undefined)).toEqual([])
      }))
  })

  layer(freshSchema("migration_rules_probe"), { timeout: 60_000 })("the check itself", (it) => {
    it.effect("sees a dropped column, a changed type, a new NOT NULL and a new CHECK on existing rows, and nothing else", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient
        yield* sql`CREATE TABLE probe (a text, b integer, c text, d text, e text NOT NULL)`
        const before = yield* schemaShape
        yield* sql`ALTER TABLE probe DROP COLUMN a`
        yield* sql`ALTER TABLE probe ALTER COLUMN b TYPE bigint`
        yield* sql`ALTER TABLE probe ALTER COLUMN c SET NOT NULL`
        yield* sql`ALTER TABLE probe ADD CONSTRAINT probe_d CHECK (d <> '')`
        // Loosening is additive: the previous version writes what it always wrote.
        yield* sql`ALTER TABLE probe ALTER COLUMN e DROP NOT NULL`
        yield* sql`ALTER TABLE probe ADD COLUMN f text`
        yield* sql`CREATE TABLE probe_new (x text NOT NULL CHECK (x <> ''))`
        const found = contractions(before, yield* schemaShape)
        expect(found).toHaveLength(4)
        expect(found.join("\n")).toContain("probe.a text")
        expect(found.join("\n")).toContain("probe.b integer")
        expect(found.join("\n")).toContain("probe.c text")
        expect(found.join("\n")).toContain("probe CHECK ((d <> ")
        expect(found.join("\n")).not.toContain("probe_new")
      }))
  })
})

