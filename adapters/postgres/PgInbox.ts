import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer } from "effect"
import { Inbox } from "../../application/ports/Inbox.js"
import { affectedAny, affectedCount } from "./PgQuery.js"

export const PgInbox = Layer.effect(
  Inbox,
  Effect.map(SqlClient, (sql) =>
    Inbox.of({
      // A concurrent insert of the same key waits for the other transaction, then does nothing.
      markHandled: (consumer, eventId, now) =>
        affectedAny(sql`
          WITH d AS (
            INSERT INTO inbox (consumer, message_id, handled_at) VALUES (${consumer}, ${eventId}, ${now})
            ON CONFLICT DO NOTHING RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      deleteHandledBefore: (cutoff) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM inbox WHERE handled_at < ${cutoff} RETURNING 1)
          SELECT count(*)::int AS n FROM d`)
    })
  )
)
