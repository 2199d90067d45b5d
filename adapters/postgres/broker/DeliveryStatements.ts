import type { SqlClient } from "@effect/sql/SqlClient"
import type { Fragment } from "@effect/sql/Statement"
import { Duration, Effect, Schema } from "effect"
import type { BrokerMessage, DeadLetter } from "../../../application/ports/EventBroker.js"
import { affectedAny, decodeRows, execute, json } from "../PgQuery.js"

/** One message for one subscription: a row of `event_deliveries`. */
export interface Delivery {
  readonly subscription: string
  readonly message: BrokerMessage
}

/** A row this consumer holds under a lease; `token` names this claim, so a late settle cannot touch a later one. */
export interface Claim {
  readonly subscription: string
  readonly message: BrokerMessage
  /** Deliveries so far, this one included. */
  readonly attempts: number
  readonly token: string
}

const ClaimedRow = Schema.Struct({
  id: Schema.String,
  key: Schema.String,
  eventType: Schema.String,
  body: Schema.String,
  attempts: Schema.Int,
  token: Schema.String
})

type ClaimedRow = typeof ClaimedRow.Type

/** `ClaimedRow`'s columns as `json_build_object` arguments, from `leased`. */
const claimedFields = `'id', message_id, 'key', key, 'eventType', event_type, 'body', body, 'attempts', attempts, 'token', lease_token::text`

const FrontRow = Schema.Struct({ window: Schema.Int, claims: Schema.Array(ClaimedRow) })

const claimsOf = (subscription: string, rows: ReadonlyArray<ClaimedRow>): ReadonlyArray<Claim> =>
  rows.map(({ attempts, token, ...message }) => ({ subscription, message, attempts, token }))

const HeadRow = Schema.Struct({ key: Schema.String, seq: Schema.String })

const DeadRow = Schema.Struct({
  id: Schema.String,
  key: Schema.String,
  eventType: Schema.String,
  body: Schema.String,
  attempts: Schema.Int,
  reason: Schema.String
})

/** Keys whose heads one claim looks at beyond the front of the queue (about a millisecond per 30 keys). */
const keysPerLook = 1000

/** Durations go to Postgres as interval text: the database's clock decides, the same for every process. */
const interval = (duration: Duration.DurationInput): string => `${Duration.toMillis(duration)} milliseconds`

/** The broker's statements, outside any caller's transaction; each is one round trip but `claim`, which takes up to four. */
export const deliveryStatements = (sql: SqlClient) => {
  const claimed = decodeRows(ClaimedRow)
  const heads = decodeRows(HeadRow)
  const dead = decodeRows(DeadRow)
  const front = decodeRows(FrontRow)

  /**
   * The heads of up to `count` keys after `after`, in key order: a skip scan of
   * `event_deliveries_key`, one probe from one key to the next.
   */
  const headsAfter = (subscription: string, after: string, count: number) =>
    heads(sql`
      WITH RECURSIVE h(key, seq, n) AS (
        (SELECT key, seq, 1 FROM event_deliveries
         WHERE subscription = ${subscription} AND state = 'queued' AND key > ${after} ORDER BY key, seq LIMIT 1)
        UNION ALL
        SELECT next.key, next.seq, h.n + 1 FROM h CROSS JOIN LATERAL (
          SELECT key, seq FROM event_deliveries
          WHERE subscription = ${subscription} AND state = 'queued' AND key > h.key
          ORDER BY key, seq LIMIT 1) next
        WHERE h.n < ${count})
      SELECT key, seq::text AS seq FROM h ORDER BY key`)

  /**
   * The CTEs `due` and `leased`: up to `limit` of the given heads that are due, earliest first,
   * skipping rows another consumer is locking, leased.
   */
  const leasing = (subscription: string, limit: number, lease: Duration.DurationInput, heads: Fragment) => sql`
        due AS (
          SELECT d.subscription, d.message_id FROM event_deliveries d
          WHERE d.subscription = ${subscription} AND d.state = 'queued'
            AND d.seq = ANY (ARRAY(${heads}))
            AND d.available_at <= now()
            AND (d.leased_until IS NULL OR d.leased_until <= now())
          ORDER BY d.seq
          LIMIT ${limit}
          FOR UPDATE OF d SKIP LOCKED),
        leased AS (
          UPDATE event_deliveries d
          SET attempts = d.attempts + 1, leased_until = now() + ${interval(lease)}::interval, lease_token = gen_random_uuid()
          FROM due WHERE d.subscription = due.subscription AND d.message_id = due.message_id
          RETURNING d.message_id, d.key, d.event_type, d.body, d.attempts, d.lease_token, d.seq)`

  /** Leases up to `limit` of the given heads that are due, earliest first. */
  const leaseDue = (subscription: string, limit: number, lease: Duration.DurationInput, heads: Fragment) =>
    Effect.map(
      claimed(sql`
        WITH ${leasing(subscription, limit, lease, heads)}
        SELECT message_id AS id, key, event_type AS "eventType", body, attempts, lease_token::text AS token
        FROM leased ORDER BY seq`),
      (rows) => claimsOf(subscription, rows)
    )

  /** The claims as rows naming each by its lease token, for `jsonb_to_recordset`. */
  const tokens = (claims: ReadonlyArray<Claim>) =>
    json(claims.map((claim) => ({ subscription: claim.subscription, id: claim.message.id, token: claim.token })))

  const ours = (claim: Claim) =>
    sql`subscription = ${claim.subscription} AND message_id = ${claim.message.id} AND lease_token = ${claim.token}`

  /**
   * Leases up to `limit` due heads among the first rows of the queue (cheap, and enough while the
   * front is not blocked), in one round trip; and answers whether those rows were the whole
   * queue, when a look beyond the front would find nothing more.
   */
  const claimFront = (subscription: string, limit: number, lease: Duration.DurationInput) => {
    const size = Math.max(4 * limit, 64)
    return Effect.map(
      front(sql`
        WITH w AS (
          SELECT key, seq FROM event_deliveries WHERE subscription = ${subscription} AND state = 'queued'
          ORDER BY seq LIMIT ${size}),
        -- A key's earlier queued rows come earlier in the queue, so they are in the window too:
        -- its head is its first row there, found without a probe of the index per row.
        heads AS (SELECT min(seq) AS seq FROM w GROUP BY key),
        ${leasing(subscription, limit, lease, sql`SELECT seq FROM heads`)}
        SELECT (SELECT count(*) FROM w)::int AS "window",
          coalesce((SELECT json_agg(json_build_object(${sql.literal(claimedFields)}) ORDER BY seq) FROM leased), '[]') AS claims`),
      ([row]) => ({ claims: claimsOf(subscription, row?.claims ?? []), wholeQueue: (row?.window ?? 0) < size })
    )
  }

  /**
   * Leases up to `limit` due heads of the next `keysPerLook` keys after `cursor` (in key order),
   * and answers where the next look starts: it moves on, wrapping at the end, so that every key is
   * looked at within a few rounds however many keys wait.
   */
  const claimBeyond = (subscription: string, limit: number, lease: Duration.DurationInput, cursor: string) =>
    Effect.gen(function* () {
      const after = yield* headsAfter(subscription, cursor, keysPerLook)
      // Past the last key, the look goes on from the first.
      const wrapped = after.length < keysPerLook && cursor !== "" ? yield* headsAfter(subscription, "", keysPerLook - after.length) : []
      const found = [...after, ...wrapped]
      const lastKey = (heads: ReadonlyArray<{ readonly key: string }>) => heads[heads.length - 1]?.key ?? ""
      const next =
        after.length === keysPerLook
          ? lastKey(after)
          : wrapped.length > 0 && wrapped.length === keysPerLook - after.length
            ? lastKey(wrapped)
            : ""
      if (found.length === 0) return { claims: [], cursor: next }
      const seqs = sql`SELECT unnest(string_to_array(${found.map((head) => head.seq).join(",")}, ','))::bigint`
      return { claims: yield* leaseDue(subscription, limit, lease, seqs), cursor: next }
    })

  return {
    claimFront,
    claimBeyond,

    /** Stores the deliveries; a (subscription, message id) already stored, or settled within the window, is left alone. */
    insert: (deliveries: ReadonlyArray<Delivery>) =>
      deliveries.length === 0
        ? Effect.void
        : execute(sql`INSERT INTO event_deliveries ${sql.insert(
            deliveries.map(({ message, subscription }) => ({
              subscription,
              message_id: message.id,
              key: message.key,
              event_type: message.eventType,
              body: message.body
            }))
          )} ON CONFLICT DO NOTHING`),

    /** Keeps the claims for another `lease`, while their handlers run, all in one statement; one whose lease was lost is left alone. */
    renew: (claims: ReadonlyArray<Claim>, lease: Duration.DurationInput) =>
      claims.length === 0
        ? Effect.void
        : execute(sql`
            UPDATE event_deliveries d SET leased_until = now() + ${interval(lease)}::interval
            FROM jsonb_to_recordset(${tokens(claims)}::jsonb) AS c(subscription text, id text, token uuid)
            WHERE d.subscription = c.subscription AND d.message_id = c.id AND d.lease_token = c.token`),

    /** Settles handled claims, several in one statement; one whose lease was lost meanwhile is left alone. */
    complete: (claims: ReadonlyArray<Claim>) =>
      claims.length === 0
        ? Effect.void
        : execute(sql`
            UPDATE event_deliveries d SET state = 'done', settled_at = now(), leased_until = NULL, lease_token = NULL
            FROM jsonb_to_recordset(${tokens(claims)}::jsonb)
              AS c(subscription text, id text, token uuid)
            WHERE d.subscription = c.subscription AND d.message_id = c.id AND d.lease_token = c.token`),

    /** Hands the claim back to be delivered again after `delay`; this delivery counts. */
    retryAfter: (claim: Claim, delay: Duration.DurationInput, reason: string) =>
      execute(sql`
        UPDATE event_deliveries
        SET available_at = now() + ${interval(delay)}::interval, leased_until = NULL, lease_token = NULL, last_error = ${reason}
        WHERE ${ours(claim)}`),

    deadLetter: (claim: Claim, reason: string) =>
      execute(sql`
        UPDATE event_deliveries
        SET state = 'dead', settled_at = now(), leased_until = NULL, lease_token = NULL, last_error = ${reason}
        WHERE ${ours(claim)}`),

    /** Hands the claim back at once, and this delivery does not count: it was interrupted or the storage failed. */
    release: (claim: Claim) =>
      execute(sql`
        UPDATE event_deliveries SET attempts = greatest(attempts - 1, 0), leased_until = NULL, lease_token = NULL
        WHERE ${ours(claim)}`),

    deadLetters: (subscription: string) =>
      Effect.map(
        dead(sql`
          SELECT message_id AS id, key, event_type AS "eventType", body, attempts, coalesce(last_error, '') AS reason
          FROM event_deliveries WHERE subscription = ${subscription} AND state = 'dead'
          ORDER BY settled_at, seq`),
        (rows): ReadonlyArray<DeadLetter> =>
          rows.map(({ attempts, reason, ...message }) => ({ message, subscription, reason, deliveries: attempts }))
      ),

    /** Queues a dead letter again behind its key's current rows, with its deliveries counted from zero. */
    replay: (subscription: string, messageId: string) =>
      affectedAny(sql`
          WITH r AS (
            UPDATE event_deliveries
            SET state = 'queued', attempts = 0, available_at = now(), settled_at = NULL, last_error = NULL, seq = DEFAULT
            WHERE subscription = ${subscription} AND message_id = ${messageId} AND state = 'dead'
            RETURNING 1)
          SELECT count(*)::int AS n FROM r`),

    /** Deletes every row of the key, whatever its state; a claim under way then settles nothing. */
    forgetKey: (key: string) => execute(sql`DELETE FROM event_deliveries WHERE key = ${key}`),

    /** Forgets the subscription's rows settled more than `window` ago, and with them their duplicate detection. */
    purgeDone: (subscription: string, window: Duration.DurationInput) =>
      execute(sql`
        DELETE FROM event_deliveries
        WHERE subscription = ${subscription} AND state = 'done' AND settled_at < now() - ${interval(window)}::interval`)
  }
}

export type DeliveryStatements = ReturnType<typeof deliveryStatements>

/**
 * Leases up to `limit` due rows, each the head of its key: the earliest queued row of the key,
 * so a key whose earlier row is leased or waiting for its retry gives nothing. Dead letters are
 * not queued and hold nothing back. The row locks last only for each statement; the lease is
 * what keeps the rows from other consumers afterwards (a row leased meanwhile fails the recheck).
 *
 * A deep backlog costs about its keys, not its rows (walking the queue row by row read every
 * row behind a blocked head, at every poll and settle). First the front of the queue, a bounded
 * window where the heads usually are; then, for slots still free, unless that window held the
 * whole queue, the heads of the next `keysPerLook` keys after `cursor` (in key order), and the
 * cursor moves on, wrapping at the end, so that every key is looked at within a few rounds
 * however many keys wait.
 *
 * Each part goes to `handOut` as soon as it is leased: what the front gives can be handled
 * while the look beyond it (two or three more round trips) runs.
 */
export const claimHeads = <E = never, R = never>(
  statements: Pick<DeliveryStatements, "claimFront" | "claimBeyond">,
  subscription: string,
  limit: number,
  lease: Duration.DurationInput,
  cursor: string,
  handOut?: (claims: ReadonlyArray<Claim>) => Effect.Effect<void, E, R>
) =>
  Effect.gen(function* () {
    const front = yield* statements.claimFront(subscription, limit, lease)
    if (handOut !== undefined) yield* handOut(front.claims)
    if (front.claims.length >= limit || front.wholeQueue) return { claims: front.claims, cursor }
    const beyond = yield* statements.claimBeyond(subscription, limit - front.claims.length, lease, cursor)
    if (handOut !== undefined) yield* handOut(beyond.claims)
    return { claims: [...front.claims, ...beyond.claims], cursor: beyond.cursor }
  })
