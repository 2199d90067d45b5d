import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Schema } from "effect"
import { claimHeads, deliveryStatements } from "../../adapters/postgres/broker/DeliveryStatements.js"
import { MigrationsLive } from "../../adapters/postgres/Migrations.js"
import { freshSchema, isReachable } from "../support/TestDatabase.js"

const reachable = await isReachable()

const Work = Schema.Struct({ rows: Schema.Number })
/** Rows of `event_deliveries` this transaction has read so far, by Postgres's own count (sequential and through indexes). */
const rowsRead = Effect.flatMap(SqlClient, (sql) =>
  sql`
    SELECT (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) + coalesce(idx_scan, 0))::float8 AS rows
    FROM pg_stat_xact_user_tables WHERE relname = 'event_deliveries' AND schemaname = current_schema()`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Array(Work))),
    Effect.map((found) => found[0]?.rows ?? 0)
  )
)

const keys = 200
const perKey = 100

/**
 * A deep backlog (20 000 queued rows over 200 people) whose every head is waiting for its retry:
 * nothing is due. Claiming must look at each person's head, not walk every queued row behind
 * them (it used to: about two row reads per queued row, at every poll and every settle). Counted
 * by Postgres, not timed; `bench/broker` times the same at 100 000 rows.
 */
describe.skipIf(!reachable)("claiming from a deep backlog", () => {
  it.live("reads about the heads of the keys, not every queued row", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient
      yield* sql`
        INSERT INTO event_deliveries (subscription, message_id, key, event_type, body)
        SELECT 'conversation', 'm' || i, 'user-' || (i % ${keys}), 'UserMessageReceivedEvent', '{}'
        FROM generate_series(1, ${keys * perKey}) i`
      yield* sql`
        UPDATE event_deliveries d SET available_at = now() + interval '1 hour'
        WHERE NOT EXISTS (SELECT 1 FROM event_deliveries e WHERE e.key = d.key AND e.seq < d.seq)`
      yield* sql`ANALYZE event_deliveries`
      const statements = deliveryStatements(sql)
      const { claimed, read } = yield* sql.withTransaction(
        Effect.gen(function* () {
          const before = yield* rowsRead
          const { claims: claimed } = yield* claimHeads(statements, "conversation", 16, "30 seconds", "")
          return { claimed, read: (yield* rowsRead) - before }
        })
      )
      expect(claimed).toEqual([])
      expect(read).toBeLessThan(keys * 10)

      // With the heads due again, the earliest of them are claimed, one per key.
      yield* sql`UPDATE event_deliveries SET available_at = now()`
      const { claims: due } = yield* claimHeads(statements, "conversation", 16, "30 seconds", "")
      expect(due.map((claim) => claim.message.id)).toEqual(Array.from({ length: 16 }, (_, i) => `m${i + 1}`))
    }).pipe(Effect.provide(MigrationsLive), Effect.provide(freshSchema("claim_backlog"))), 120_000
  )

  it.live("finds a due head behind more waiting keys than one look takes, on a later round", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient
      // 2 000 people, one row each, every one waiting but the last (in key order and in the queue).
      yield* sql`
        INSERT INTO event_deliveries (subscription, message_id, key, event_type, body, available_at)
        SELECT 'conversation', 'w' || i, 'k-' || lpad(i::text, 4, '0'), 'UserMessageReceivedEvent', '{}',
          CASE WHEN i = 1999 THEN now() ELSE now() + interval '1 hour' END
        FROM generate_series(0, 1999) i`
      const statements = deliveryStatements(sql)
      const first = yield* claimHeads(statements, "conversation", 16, "30 seconds", "")
      expect(first.claims).toEqual([])
      const second = yield* claimHeads(statements, "conversation", 16, "30 seconds", first.cursor)
      expect(second.claims.map((claim) => claim.message.id)).toEqual(["w1999"])
    }).pipe(Effect.provide(MigrationsLive), Effect.provide(freshSchema("claim_cursor"))), 120_000
  )

  it.live("tells whether the front of the queue held every queued row, so that looking beyond it is needless", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient
      const statements = deliveryStatements(sql)
      const queue = (from: number, count: number) => sql`
        INSERT INTO event_deliveries (subscription, message_id, key, event_type, body, available_at)
        SELECT 'conversation', 'q' || i, 'k-' || i, 'UserMessageReceivedEvent', '{}', now() + interval '1 hour'
        FROM generate_series(${from}::int, ${from + count - 1}::int) i`
      const empty = yield* statements.claimFront("conversation", 16, "30 seconds")
      expect(empty).toEqual({ claims: [], wholeQueue: true })
      yield* queue(0, 10)
      expect((yield* statements.claimFront("conversation", 16, "30 seconds")).wholeQueue).toBe(true)
      yield* queue(10, 1000)
      expect((yield* statements.claimFront("conversation", 16, "30 seconds")).wholeQueue).toBe(false)
    }).pipe(Effect.provide(MigrationsLive), Effect.provide(freshSchema("claim_whole_queue"))), 120_000
  )
})
