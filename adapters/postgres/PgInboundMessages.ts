import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Option, Schema } from "effect"
import { InboundMessages } from "../../application/ports/InboundMessages.js"
import { WhatsAppMessageId } from "../../domain/ids.js"
import { affectedCount, decodeRows, execute, json } from "./PgQuery.js"

const StoredRow = Schema.Struct({ wamid: WhatsAppMessageId })

/**
 * One statement stores the messages and their events (atomic without a transaction, so a webhook
 * costs one round trip): the arrivals come as one JSON parameter, whatever their number, and keep
 * their order; a message already stored gets no event; the sender is looked up as `Users.resolve`
 * looks them up (BSUID first).
 */
const recordArrivalsStatement = `
  WITH arrival AS (
    SELECT DISTINCT ON (a.wamid) a.*, COALESCE(
      (SELECT id FROM users WHERE bsuid = a.bsuid),
      (SELECT id FROM users WHERE wa_id = a.wa_id)) AS user_id
    FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
      wamid text, wa_id text, bsuid text, kind text, payload jsonb, received_at timestamptz,
      event_id uuid, event_type text, event_key text, body text, created_at timestamptz)) WITH ORDINALITY AS a
    ORDER BY a.wamid, a.ordinality
  ), stored AS (
    INSERT INTO inbound_messages (wamid, user_id, kind, payload, received_at)
    SELECT wamid, user_id, kind, payload, received_at FROM arrival
    ON CONFLICT DO NOTHING
    RETURNING wamid
  ), announced AS (
    INSERT INTO outbox (id, event_type, key, body, created_at, next_attempt_at)
    SELECT event_id, event_type, COALESCE(user_id, event_key), body, created_at, created_at
    FROM arrival JOIN stored USING (wamid)
    ORDER BY arrival.ordinality
  )
  SELECT wamid FROM stored`

export const PgInboundMessages = Layer.effect(
  InboundMessages,
  Effect.map(SqlClient, (sql) => {
    const stored = decodeRows(StoredRow)
    return InboundMessages.of({
      recordArrivals: (arrivals) =>
        arrivals.length === 0
          ? Effect.succeed([])
          : stored(
              sql.unsafe(recordArrivalsStatement, [
                json(
                  arrivals.map(({ message, event }) => ({
                    wamid: message.id,
                    wa_id: Option.getOrNull(message.sender.waId),
                    bsuid: Option.getOrNull(message.sender.bsuid),
                    kind: message.kind,
                    payload: message.payload,
                    received_at: message.receivedAt,
                    event_id: event.id,
                    event_type: event.eventType,
                    event_key: event.key,
                    body: event.body,
                    created_at: event.createdAt
                  }))
                )
              ])
            ).pipe(Effect.map((rows) => rows.map((row) => row.wamid))),
      attribute: (id, userId) =>
        execute(sql`UPDATE inbound_messages SET user_id = ${userId} WHERE wamid = ${id} AND user_id IS DISTINCT FROM ${userId}`),
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
  })
)
