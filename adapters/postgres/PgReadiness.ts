import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer } from "effect"
import { NotReady, Readiness } from "../../application/ports/Readiness.js"
import { latestAppliedMigrationId, latestMigrationId } from "./Migrations.js"

/** Ready when the database answers within a few seconds and holds every migration this code ships. */
export const PgReadiness = Layer.effect(
  Readiness,
  Effect.map(SqlClient, (sql) =>
    Readiness.of({
      check: latestAppliedMigrationId.pipe(
        Effect.provideService(SqlClient, sql),
        Effect.mapError((error) => new NotReady({ reason: `database: ${error.message}` })),
        Effect.timeoutFail({ duration: "3 seconds", onTimeout: () => new NotReady({ reason: "database: no answer in 3 s" }) }),
        Effect.flatMap((latest) =>
          latest >= latestMigrationId
            ? Effect.void
            : Effect.fail(new NotReady({ reason: `database: migrations not applied (at ${latest} of ${latestMigrationId})` }))
        )
      )
    })
  )
)
