import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer } from "effect"
import { FailedEvent, FailedEvents } from "../../application/ports/FailedEvents.js"
import { affectedCount, decodeRows, execute } from "./PgQuery.js"

const columns = `consumer, message_id AS "messageId", event_type AS "eventType", key, reason, body, failed_at AS "failedAt"`

export const PgFailedEvents = Layer.effect(
  FailedEvents,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const rows = decodeRows(FailedEvent)
    return FailedEvents.of({
      record: (event) =>
        execute(sql`
          INSERT INTO failed_events (consumer, message_id, event_type, key, reason, body, failed_at)
          VALUES (${event.consumer}, ${event.messageId}, ${event.eventType}, ${event.key}, ${event.reason},
                  ${event.body}, ${event.failedAt})
          ON CONFLICT (consumer, message_id) DO NOTHING`),
      list: rows(sql`SELECT ${sql.literal(columns)} FROM failed_events ORDER BY failed_at, consumer, message_id`),
      deleteForKey: (key) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM failed_events WHERE key = ${key} RETURNING 1)
          SELECT count(*)::int AS n FROM d`)
    })
  })
)
