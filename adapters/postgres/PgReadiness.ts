import { SqlClient } from "@effect/sql/SqlClient"
import { Clock, Duration, Effect, Layer, Option } from "effect"
import { NotReady, Readiness } from "../../application/ports/Readiness.js"
import { latestAppliedMigrationId, latestMigrationId } from "./Migrations.js"

/** Ready when the database answers within a few seconds and holds every migration this code ships. */
const check = latestAppliedMigrationId.pipe(
  Effect.mapError((error) => new NotReady({ reason: `database: ${error.message}` })),
  Effect.timeoutFail({ duration: "3 seconds", onTimeout: () => new NotReady({ reason: "database: no answer in 3 s" }) }),
  Effect.flatMap((latest) =>
    latest >= latestMigrationId
      ? Effect.void
      : Effect.fail(new NotReady({ reason: `database: migrations not applied (at ${latest} of ${latestMigrationId})` }))
  )
)

export const PgReadiness = Layer.effect(
  Readiness,
  Effect.map(SqlClient, (sql) => Readiness.of({ check: Effect.provideService(check, SqlClient, sql) }))
)

/** How long the check made at start answers for the next ones on the embedded database. */
const startCheckLasts = Duration.seconds(1)

/**
 * Readiness on the embedded PGlite, whose one session runs every statement in turn: the first
 * `/ready` of a restart, asked as the workers start, waited behind each one's first poll (181-268
 * ms, bench/cold-start). There the check made when the layer is built (after the migrations,
 * before any worker) answers for the checks of the next second. Every later check asks the
 * database: a worker judging a failed statement (pauseWhileStorageDown) must not be answered from
 * an earlier one.
 */
export const EmbeddedPgReadiness = Layer.effect(
  Readiness,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const checkNow = Effect.provideService(check, SqlClient, sql)
    // Failed, it only leaves nothing to answer from.
    const passedAt = yield* Effect.option(Effect.zipRight(checkNow, Clock.currentTimeMillis))
    const answeredAtStart = Effect.map(Clock.currentTimeMillis, (now) =>
      Option.exists(passedAt, (at) => now - at < Duration.toMillis(startCheckLasts))
    )
    return Readiness.of({ check: Effect.unlessEffect(checkNow, answeredAtStart).pipe(Effect.asVoid) })
  })
)
