import { SqlClient } from "@effect/sql/SqlClient"
import { Array as Arr, Duration, Effect, Layer, Option, Schema } from "effect"
import { OutboundIntent, OutboundMessages, Recipient } from "../../application/ports/OutboundMessages.js"
import { OutgoingMessageSchema } from "../../domain/messages/OutgoingMessageSchema.js"
import { groupCommit } from "./groupCommit.js"
import { affectedCount, decodeRows, execute, json, orUnavailable } from "./PgQuery.js"

// `sequence` is a bigint identity; as float8 it decodes to a number, exact below 2^53.
const columns = `id, user_id AS "userId", recipient, message, status, wamid, attempts, last_error AS "lastError",
  created_at AS "createdAt", sequence::float8 AS sequence`

const encodeRecipient = Schema.encode(Recipient)
const encodeMessage = Schema.encode(OutgoingMessageSchema)

interface Sent {
  readonly id: string
  readonly wamid: string
  readonly at: Date
}

export const PgOutboundMessages = Layer.scoped(
  OutboundMessages,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const intents = decodeRows(OutboundIntent)
    const oldest = decodeRows(Schema.Struct({ at: Schema.NullOr(Schema.DateFromSelf) }))
    const select = sql.literal(columns)

    // Sends that finish together are marked in one statement (every answered message is marked
    // once, and the sender has many sends on the wire at once). An intent named twice keeps its
    // first wamid, as two statements one after the other would.
    const markSentTogether = yield* groupCommit({
      write: (sent: ReadonlyArray<Sent>) => {
        const first = new Map<string, Sent>()
        for (const one of sent) if (!first.has(one.id)) first.set(one.id, one)
        const rows = [...first.values()].map(({ at, id, wamid }) => ({ id, wamid, at: at.toISOString() }))
        return execute(sql`
          UPDATE outbound_messages o SET status = 'sent', wamid = s.wamid, status_at = s.at, last_error = NULL
          FROM jsonb_to_recordset(${json(rows)}::jsonb) AS s(id uuid, wamid text, at timestamptz)
          WHERE o.id = s.id AND o.status IN ('pending', 'awaiting_window')`).pipe(Effect.as(sent.map(() => "marked" as const)))
      },
      // One batch at a time: whoever finishes meanwhile joins the next.
      concurrency: 1,
      maxBatch: 100
    })

    return OutboundMessages.of({
      // One multi-row insert: the identity numbers the rows in the order given.
      enqueue: (batch) =>
        batch.length === 0
          ? Effect.void
          : Effect.forEach(batch, (intent) =>
              Effect.all({ recipient: encodeRecipient(intent.recipient), message: encodeMessage(intent.message) }).pipe(
                Effect.map(({ message, recipient }) => ({
                  id: intent.id,
                  user_id: intent.userId,
                  recipient: json(recipient),
                  message: json(message),
                  status: "pending",
                  created_at: intent.createdAt,
                  next_attempt_at: intent.createdAt
                }))
              )
            ).pipe(
              Effect.flatMap((rows) => sql`INSERT INTO outbound_messages ${sql.insert(rows)}`),
              Effect.asVoid,
              orUnavailable
            ),
      // Each user's head is their earliest pending intent; a head that is leased keeps the
      // user's later intents back, so one person's messages go out in order.
      claimPending: (limit, now, lease) =>
        intents(sql`
          WITH heads AS (
            SELECT DISTINCT ON (user_id) id FROM outbound_messages
            WHERE status = 'pending'
            ORDER BY user_id, sequence),
          claimed AS (
            UPDATE outbound_messages SET attempts = attempts + 1,
                                         next_attempt_at = ${new Date(now.getTime() + Duration.toMillis(lease))}
            WHERE id IN (
              SELECT m.id FROM outbound_messages m JOIN heads h ON h.id = m.id
              WHERE m.status = 'pending' AND m.next_attempt_at <= ${now}
              ORDER BY m.sequence
              LIMIT ${limit}
              FOR UPDATE OF m SKIP LOCKED)
            RETURNING *)
          SELECT ${select} FROM claimed ORDER BY sequence`),
      markSent: (id, wamid, now) => Effect.asVoid(markSentTogether({ id, wamid, at: now })),
      markFailed: (id, reason) =>
        execute(sql`
          UPDATE outbound_messages SET status = 'failed', last_error = ${reason}
          WHERE id = ${id} AND status IN ('pending', 'awaiting_window')`),
      retryAt: (id, at, reason) =>
        execute(sql`
          UPDATE outbound_messages SET next_attempt_at = ${at}, last_error = ${reason}
          WHERE id = ${id} AND status = 'pending'`),
      // Templates are what WhatsApp delivers outside the window: they are never held.
      holdForWindow: (userId) =>
        affectedCount(sql`
          WITH d AS (
            UPDATE outbound_messages SET status = 'awaiting_window'
            WHERE user_id = ${userId} AND status = 'pending' AND message ->> '_tag' <> 'Template' RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      // Its old wamid is forgotten, so a late status for the refused send cannot touch it again.
      holdIntent: (id) =>
        execute(sql`
          UPDATE outbound_messages SET status = 'awaiting_window', wamid = NULL
          WHERE id = ${id} AND status IN ('pending', 'sent', 'failed')`),
      // Due at once, whatever lease they were held under.
      releaseHeld: (userId) =>
        affectedCount(sql`
          WITH d AS (
            UPDATE outbound_messages SET status = 'pending', next_attempt_at = created_at
            WHERE user_id = ${userId} AND status = 'awaiting_window' RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      recordStatus: (wamid, status, at, errorCode, claim) =>
        intents(sql`
          UPDATE outbound_messages SET
            status = ${status},
            wamid = ${wamid},
            status_at = ${at},
            error_code = COALESCE(${Option.getOrNull(errorCode)}::int, error_code),
            last_error = CASE WHEN ${status} = 'failed'
                              THEN 'failed' || COALESCE(' (' || ${Option.getOrNull(errorCode)}::int || ')', '')
                              ELSE last_error END
          WHERE (wamid = ${wamid} OR (
              id = ${claim?.intentId ?? null}::uuid AND attempts = ${claim?.attempt ?? null}::int
              AND wamid IS NULL AND status = 'pending' AND next_attempt_at > ${claim?.receivedAt ?? null}::timestamptz)) AND (
            CASE ${status} WHEN 'failed' THEN status IN ('pending', 'awaiting_window', 'sent')
                           WHEN 'read' THEN status IN ('pending', 'awaiting_window', 'sent', 'delivered')
                           WHEN 'delivered' THEN status IN ('pending', 'awaiting_window', 'sent')
                           ELSE status IN ('pending', 'awaiting_window') END)
          RETURNING ${select}`).pipe(Effect.map(Arr.head)),
      listForUser: (userId) =>
        intents(sql`SELECT ${select} FROM outbound_messages WHERE user_id = ${userId} ORDER BY sequence`),
      waitingOrSinceForUser: (userId, since) =>
        intents(sql`
          SELECT ${select} FROM outbound_messages
          WHERE user_id = ${userId} AND (status IN ('pending', 'awaiting_window') OR created_at >= ${since})
          ORDER BY sequence`),
      oldestPendingAt: oldest(sql`SELECT min(created_at) AS at FROM outbound_messages WHERE status = 'pending'`).pipe(
        Effect.map((rows) => Option.fromNullable(rows[0]?.at ?? undefined))
      ),
      deleteForUser: (userId) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM outbound_messages WHERE user_id = ${userId} RETURNING 1)
          SELECT count(*)::int AS n FROM d`)
    })
  })
)
