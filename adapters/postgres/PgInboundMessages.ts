import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer } from "effect"
import { InboundMessages } from "../../application/ports/InboundMessages.js"
import { affectedCount, json } from "./PgQuery.js"

export const PgInboundMessages = Layer.effect(
  InboundMessages,
  Effect.map(SqlClient, (sql) =>
    InboundMessages.of({
      recordIfNew: (record) =>
        affectedCount(sql`
          WITH d AS (
            INSERT INTO inbound_messages (wamid, user_id, kind, payload, received_at)
            VALUES (${record.id}, ${record.userId}, ${record.kind}, ${json(record.payload)}::jsonb, ${record.receivedAt})
            ON CONFLICT DO NOTHING RETURNING 1)
          SELECT count(*)::int AS n FROM d`).pipe(Effect.map((n) => n > 0)),
      countForUser: (userId) => affectedCount(sql`SELECT count(*)::int AS n FROM inbound_messages WHERE user_id = ${userId}`),
      deleteOlderThan: (cutoff) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM inbound_messages WHERE received_at < ${cutoff} RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      deleteForUser: (userId) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM inbound_messages WHERE user_id = ${userId} RETURNING 1)
          SELECT count(*)::int AS n FROM d`)
    })
  )
)
