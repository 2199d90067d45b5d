import { PgClient } from "@effect/sql-pg"
import { SqlClient } from "@effect/sql/SqlClient"
import { Context, Effect, Layer, Redacted } from "effect"

/** The real Postgres of the tests: CI sets `DATABASE_URL`; locally the shared test database. */
export const testDatabaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"

/** Whether the tests are running in CI, where a database that cannot be reached is a failure. */
export const inCi = process.env.CI === "true"

/** Tests create and drop things: refuse any database that is not plainly a test one. */
export const assertTestDatabase = (url: string): string => {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""))
  if (!name.toLowerCase().includes("test")) {
    throw new Error(`Refusing to run tests on database "${name}": its name must contain "test"`)
  }
  return name
}

/** True when the database answers within a few seconds. */
export const isReachable = (url: string = testDatabaseUrl): Promise<boolean> =>
  Layer.build(PgClient.layer({ url: Redacted.make(url), maxConnections: 1, connectTimeout: "3 seconds" })).pipe(
    Effect.scoped,
    Effect.match({ onFailure: () => false, onSuccess: () => true }),
    Effect.runPromise
  )

/** A schema left by a test run that was killed: its name says when it was made. */
const staleAfterMillis = 6 * 60 * 60 * 1000
const isStale = (name: string, now: number): boolean => {
  const made = parseInt(name.split("_").at(-2) ?? "", 36)
  return Number.isFinite(made) && now - made > staleAfterMillis
}

const dropStaleSchemas = (admin: SqlClient) =>
  Effect.gen(function* () {
    const rows = yield* admin<{ readonly name: string }>`SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 't\_%'`
    const now = Date.now()
    for (const { name } of rows) {
      if (isStale(name, now)) yield* admin`DROP SCHEMA IF EXISTS ${admin(name)} CASCADE`
    }
  }).pipe(Effect.ignore)

const withSearchPath = (url: string, schema: string): string => {
  const parsed = new URL(url)
  parsed.searchParams.set("options", `-c search_path=${schema}`)
  return parsed.toString()
}

/**
 * A PgClient on a fresh schema of the test database (search_path set at connect), dropped with
 * everything in it when the layer is released: each test file gets its own tables.
 */
export const freshSchema = (label: string, url: string = testDatabaseUrl) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      assertTestDatabase(url)
      const schema = `t_${label.replace(/\W/g, "_").toLowerCase()}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`
      const admin = Context.get(yield* Layer.build(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 })), SqlClient)
      yield* dropStaleSchemas(admin)
      yield* Effect.acquireRelease(admin`CREATE SCHEMA ${admin(schema)}`, () =>
        admin`DROP SCHEMA ${admin(schema)} CASCADE`.pipe(Effect.orDie)
      )
      return PgClient.layer({ url: Redacted.make(withSearchPath(url, schema)), maxConnections: 6 })
    })
  )
