import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Option, Schema } from "effect"
import type { Arrival, InboundMessageRecord, RecordedArrival } from "../../application/ports/InboundMessages.js"
import { HistoryMessage, InboundMessages } from "../../application/ports/InboundMessages.js"
import { groupCommit } from "./groupCommit.js"
import { affectedCount, decodeRows, execute, json } from "./PgQuery.js"

/** Which arrival was stored (its 1-based position in the statement's parameter), and its event's key. */
const StoredRow = Schema.Struct({ ordinality: Schema.Int, key: Schema.String })

/**
 * One statement stores the messages and their events (atomic without a transaction, so a webhook
 * costs one round trip): the arrivals come as one JSON parameter, whatever their number, and keep
 * their order; a message whose id was seen before (a digest kept apart from the history, which
 * retention deletes sooner than Meta stops redelivering) gets no event; the sender is looked up
 * as `Users.resolve` looks them up (BSUID first).
 */
const recordArrivalsStatement = `
  WITH arrival AS (
    SELECT DISTINCT ON (a.wamid) a.*, sha256(convert_to(a.wamid, 'UTF8')) AS digest, COALESCE(
      (SELECT id FROM users WHERE bsuid = a.bsuid),
      (SELECT id FROM users WHERE wa_id = a.wa_id)) AS user_id
    FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
      wamid text, wa_id text, bsuid text, kind text, payload jsonb, received_at timestamptz,
      event_id uuid, event_type text, event_key text, body text, created_at timestamptz,
      available_at timestamptz)) WITH ORDINALITY AS a
    ORDER BY a.wamid, a.ordinality
  ), seen AS (
    INSERT INTO seen_inbound_messages (digest, seen_at)
    SELECT digest, created_at FROM arrival
    ON CONFLICT DO NOTHING
    RETURNING digest
  ), stored AS (
    INSERT INTO inbound_messages (wamid, user_id, kind, payload, received_at)
    SELECT wamid, user_id, kind, payload, received_at FROM arrival JOIN seen USING (digest)
    ON CONFLICT DO NOTHING
    RETURNING wamid
  ), announced AS (
    INSERT INTO outbox (id, event_type, key, body, created_at, next_attempt_at)
    SELECT event_id, event_type, COALESCE(user_id, event_key), body, created_at, available_at
    FROM arrival JOIN stored USING (wamid)
    ORDER BY arrival.ordinality
  )
  SELECT arrival.ordinality::int AS ordinality, COALESCE(arrival.user_id, arrival.event_key) AS key
  FROM arrival JOIN stored USING (wamid)`

/** Messages taken without an answer: seen, and kept in the history, with no event. */
const recordUnansweredStatement = `
  WITH arrival AS (
    SELECT DISTINCT ON (a.wamid) a.*, sha256(convert_to(a.wamid, 'UTF8')) AS digest, COALESCE(
      (SELECT id FROM users WHERE bsuid = a.bsuid),
      (SELECT id FROM users WHERE wa_id = a.wa_id)) AS user_id
    FROM jsonb_to_recordset($1::jsonb) AS a(
      wamid text, wa_id text, bsuid text, kind text, payload jsonb, received_at timestamptz)
  ), seen AS (
    INSERT INTO seen_inbound_messages (digest, seen_at)
    SELECT digest, $2::timestamptz FROM arrival
    ON CONFLICT DO NOTHING
    RETURNING digest
  ), stored AS (
    INSERT INTO inbound_messages (wamid, user_id, kind, payload, received_at)
    SELECT wamid, user_id, kind, payload, received_at FROM arrival JOIN seen USING (digest)
    ON CONFLICT DO NOTHING
  )
  SELECT count(*)::int AS n FROM seen`

/**
 * Webhooks stored together under load (see `groupCommit`); each statement holds a pooled
 * connection. One in flight: the batch is then whatever arrived while the last statement ran, and
 * fewer, larger batches cost less CPU (20 concurrent senders, interleaved runs: 0.21-0.22 ms per
 * webhook in the server and 0.09-0.10 in Postgres at one; 0.24-0.25 and 0.13 at two). A second
 * statement in flight would not get past a slow one either: both wait on the same WAL flush.
 */
const batchesInFlight = 1
const maxWebhooksPerStatement = 64

const messageColumns = (message: InboundMessageRecord) => ({
  wamid: message.id,
  wa_id: Option.getOrNull(message.sender.waId),
  bsuid: Option.getOrNull(message.sender.bsuid),
  kind: message.kind,
  payload: message.payload,
  received_at: message.receivedAt
})

export const PgInboundMessages = Layer.scoped(
  InboundMessages,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const stored = decodeRows(StoredRow)
    const history = decodeRows(HistoryMessage)

    /** One statement for the arrivals of several webhooks; for each webhook, its arrivals that were new. */
    const recordWebhooks = (webhooks: ReadonlyArray<ReadonlyArray<Arrival>>) => {
      const arrivals = webhooks.flat()
      const webhookOf = webhooks.flatMap((webhook, index) => webhook.map(() => index))
      return stored(
        sql.unsafe(recordArrivalsStatement, [
          json(
            arrivals.map(({ message, event }) => ({
              ...messageColumns(message),
              event_id: event.id,
              event_type: event.eventType,
              event_key: event.key,
              body: event.body,
              created_at: event.createdAt,
              available_at: event.availableAt ?? event.createdAt
            }))
          )
        ])
      ).pipe(
        Effect.map((rows) => {
          const recorded = webhooks.map((): Array<RecordedArrival> => [])
          for (const { ordinality, key } of rows) {
            const arrival = arrivals[ordinality - 1]
            const webhook = webhookOf[ordinality - 1]
            if (arrival !== undefined && webhook !== undefined) {
              recorded[webhook]?.push({ messageId: arrival.message.id, event: { ...arrival.event, key } })
            }
          }
          return recorded
        })
      )
    }

    const recordWebhook = yield* groupCommit({
      write: recordWebhooks,
      concurrency: batchesInFlight,
      maxBatch: maxWebhooksPerStatement
    })

    return InboundMessages.of({
      recordArrivals: (arrivals) => (arrivals.length === 0 ? Effect.succeed([]) : recordWebhook(arrivals)),
      recordUnanswered: (messages, seenAt) =>
        messages.length === 0
          ? Effect.succeed(0)
          : affectedCount(sql.unsafe(recordUnansweredStatement, [json(messages.map(messageColumns)), seenAt])),
      forgetSeenBefore: (cutoff) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM seen_inbound_messages WHERE seen_at < ${cutoff} RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      attribute: (id, userId) =>
        execute(sql`UPDATE inbound_messages SET user_id = ${userId} WHERE wamid = ${id} AND user_id IS DISTINCT FROM ${userId}`),
      countForUser: (userId) => affectedCount(sql`SELECT count(*)::int AS n FROM inbound_messages WHERE user_id = ${userId}`),
      recentForUser: (userId, limit) =>
        history(sql`
          SELECT wamid AS id, kind, payload, received_at AS "receivedAt" FROM inbound_messages
          WHERE user_id = ${userId} ORDER BY received_at DESC, wamid LIMIT ${limit}`),
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
