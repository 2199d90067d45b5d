import { SqlClient } from "@effect/sql/SqlClient"
import { Duration, Effect, Layer, Schema } from "effect"
import { Outbox, OutboxEvent } from "../../application/ports/Outbox.js"
import { affectedCount, decodeRows, execute } from "./PgQuery.js"

const columns = `id, event_type AS "eventType", key, body, created_at AS "createdAt", attempts`

const StatsRow = Schema.Struct({
  pending: Schema.Int,
  published: Schema.Int,
  oldest: Schema.NullOr(Schema.DateFromSelf)
})

export const PgOutbox = Layer.effect(
  Outbox,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const events = decodeRows(OutboxEvent)
    const stats = decodeRows(StatsRow)
    const select = sql.literal(columns)
    return Outbox.of({
      add: (batch) =>
        batch.length === 0
          ? Effect.void
          : execute(sql`INSERT INTO outbox ${sql.insert(
              batch.map((event) => ({
                id: event.id,
                event_type: event.eventType,
                key: event.key,
                body: event.body,
                created_at: event.createdAt,
                next_attempt_at: event.availableAt ?? event.createdAt
              }))
            )}`),
      // The row locks last only for this statement; the lease (a later next_attempt_at) is what
      // keeps the rows from other relays afterwards. A row leased meanwhile fails the recheck.
      claim: (limit, now, lease) =>
        events(sql`
          WITH claimed AS (
            UPDATE outbox SET attempts = attempts + 1,
                              next_attempt_at = ${new Date(now.getTime() + Duration.toMillis(lease))}
            WHERE id IN (
              SELECT id FROM outbox
              WHERE published_at IS NULL AND next_attempt_at <= ${now}
              ORDER BY created_at, seq
              LIMIT ${limit}
              FOR UPDATE SKIP LOCKED)
            RETURNING *)
          SELECT ${select} FROM claimed ORDER BY created_at, seq`),
      markPublished: (ids, now) =>
        ids.length === 0
          ? Effect.void
          : execute(sql`UPDATE outbox SET published_at = ${now} WHERE published_at IS NULL AND ${sql.in("id", ids)}`),
      retryAt: (ids, at, reason) =>
        ids.length === 0
          ? Effect.void
          : execute(sql`
              UPDATE outbox SET next_attempt_at = ${at}, last_error = ${reason}
              WHERE published_at IS NULL AND ${sql.in("id", ids)}`),
      stats: stats(sql`
        SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS pending,
               count(*) FILTER (WHERE published_at IS NOT NULL)::int AS published,
               min(created_at) FILTER (WHERE published_at IS NULL) AS oldest
        FROM outbox`).pipe(
        Effect.map(([row]) => ({
          pending: row?.pending ?? 0,
          published: row?.published ?? 0,
          oldestPendingAt: row?.oldest ?? undefined
        }))
      ),
      deletePublishedBefore: (cutoff) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM outbox WHERE published_at < ${cutoff} RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      deleteForKey: (key) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM outbox WHERE key = ${key} RETURNING 1)
          SELECT count(*)::int AS n FROM d`)
    })
  })
)
