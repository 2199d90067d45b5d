import { SqlClient } from "@effect/sql/SqlClient"
import { Clock, Duration, Effect, Layer, Option, Ref } from "effect"
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

/** How long a passed check answers for the next ones on the embedded database. */
const embeddedCheckLasts = Duration.seconds(1)

/**
 * Readiness on the embedded PGlite, whose one session runs every statement in turn: the first
 * `/ready` of a restart, asked as the workers start, waited behind each one's first poll (181-268
 * ms, bench/cold-start). There a check that passed less than a second ago answers for the next
 * ones. The first is made when the layer is built (after the migrations, before any worker).
 */
export const EmbeddedPgReadiness = Layer.effect(
  Readiness,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const lastPassed = yield* Ref.make(Option.none<number>())
    const checkNow = Effect.provideService(check, SqlClient, sql).pipe(
      Effect.zipRight(Effect.flatMap(Clock.currentTimeMillis, (now) => Ref.set(lastPassed, Option.some(now))))
    )
    // A failure here only leaves nothing to answer from: the next check asks the database.
    yield* Effect.ignore(checkNow)
    const passedRecently = Effect.zipWith(
      Ref.get(lastPassed),
      Clock.currentTimeMillis,
      (passed, now) => Option.exists(passed, (at) => now - at < Duration.toMillis(embeddedCheckLasts))
    )
    return Readiness.of({ check: Effect.unlessEffect(checkNow, passedRecently).pipe(Effect.asVoid) })
  })
)
