import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Schema } from "effect"
import { NotReady, Readiness } from "../../application/ports/Readiness.js"
import { latestMigrationId, migrationsTable } from "./Migrations.js"

const LatestRow = Schema.Struct({ latest: Schema.NullOr(Schema.Int) })
const decodeLatest = Schema.decodeUnknown(Schema.Array(LatestRow))

/** Ready when the database answers within a few seconds and holds every migration this code ships. */
export const PgReadiness = Layer.effect(
  Readiness,
  Effect.map(SqlClient, (sql) =>
    Readiness.of({
      check: sql`SELECT max(migration_id)::int AS latest FROM ${sql(migrationsTable)}`.pipe(
        Effect.flatMap(decodeLatest),
        Effect.mapError((error) => new NotReady({ reason: `database: ${error.message}` })),
        Effect.timeoutFail({ duration: "3 seconds", onTimeout: () => new NotReady({ reason: "database: no answer in 3 s" }) }),
        Effect.flatMap(([row]) =>
          (row?.latest ?? 0) >= latestMigrationId
            ? Effect.void
            : Effect.fail(new NotReady({ reason: `database: migrations not applied (at ${row?.latest ?? 0} of ${latestMigrationId})` }))
        )
      )
    })
  )
)
