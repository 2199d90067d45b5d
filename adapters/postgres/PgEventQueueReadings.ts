import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Option, Schema } from "effect"
import { EventQueueReadings } from "../../application/ports/EventQueueReadings.js"
import { decodeRows } from "./PgQuery.js"

const QueueRow = Schema.Struct({
  subscription: Schema.String,
  waiting: Schema.Int,
  leased: Schema.Int,
  oldestQueuedAt: Schema.NullOr(Schema.DateFromSelf)
})

/** The Postgres broker's queues (`event_deliveries`), read with the broker's own clock, the database's. */
export const PgEventQueueReadings = Layer.effect(
  EventQueueReadings,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const queues = decodeRows(QueueRow)
    return EventQueueReadings.of({
      read: queues(sql`
        SELECT subscription,
               count(*) FILTER (WHERE leased_until IS NULL OR leased_until <= now())::int AS waiting,
               count(*) FILTER (WHERE leased_until > now())::int AS leased,
               min(published_at) AS "oldestQueuedAt"
        FROM event_deliveries WHERE state = 'queued' GROUP BY subscription`).pipe(
        Effect.map(
          (rows) =>
            new Map(rows.map((row) => [row.subscription, { waiting: row.waiting, leased: row.leased, oldestQueuedAt: Option.fromNullable(row.oldestQueuedAt) }]))
        )
      )
    })
  })
)
