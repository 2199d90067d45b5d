import * as Migrator from "@effect/sql/Migrator"
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Context, Effect, Layer } from "effect"
import { migrations, migrationsTable } from "../../adapters/postgres/Migrations.js"

export interface MigrationOutcome {
  /** The migrations this run applied, by name; empty when the schema was up to date. */
  readonly applied: ReadonlyArray<string>
}

/** Brings the database schema up to the version this code ships. */
export class SchemaMigrations extends Context.Tag("whatsapp-astria-bot/cli/SchemaMigrations")<
  SchemaMigrations,
  { readonly run: Effect.Effect<MigrationOutcome, Migrator.MigrationError | SqlError> }
>() {
  /** The shipped migrations on the SqlClient, reporting which ones this run applied. */
  static readonly sql = Layer.effect(
    this,
    Effect.map(SqlClient, (sql) => ({
      run: Migrator.make({})({ loader: Migrator.fromRecord(migrations), table: migrationsTable }).pipe(
        Effect.provideService(SqlClient, sql),
        Effect.map((applied) => ({ applied: applied.map(([id, name]) => `${String(id).padStart(4, "0")}_${name}`) }))
      )
    }))
  )

  /** In-memory storage has no schema to migrate. */
  static readonly none = Layer.succeed(this, { run: Effect.succeed({ applied: [] }) })
}
