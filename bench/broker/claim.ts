/**
 * The Postgres broker's claim under a deep backlog: `npx tsx bench/broker/claim.ts`.
 *
 * On a fresh schema of the `test` database (see test/support/TestDatabase.ts), 100 000 queued
 * rows of one subscription, over 1 000 keys and then over 100 000 keys; for each, the claim of
 * 16 messages with every key's head due, and with every head waiting for its retry (nothing is
 * due: the case that used to walk the whole queue). Each claim runs in a transaction rolled back,
 * so every round sees the same queue; the median of `CLAIM_BENCH_ROUNDS` (default 9) is printed,
 * with the rows Postgres read for it (pg_stat_xact_user_tables). Figures: RESULTS.md, "Broker".
 */
import { SqlClient } from "@effect/sql/SqlClient"
import { Clock, Effect, Schema } from "effect"
import { claimHeads, deliveryStatements } from "../../adapters/postgres/broker/DeliveryStatements.js"
import { MigrationsLive } from "../../adapters/postgres/Migrations.js"
import { freshSchema } from "../../test/support/TestDatabase.js"

const rows = 100_000
const rounds = Number(process.env["CLAIM_BENCH_ROUNDS"] ?? "9")

class RolledBack extends Schema.TaggedError<RolledBack>()("RolledBack", { millis: Schema.Number, read: Schema.Number, claimed: Schema.Number }) {}

const Read = Schema.Array(Schema.Struct({ read: Schema.Number }))
const rowsRead = Effect.flatMap(SqlClient, (sql) =>
  sql`SELECT (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) + coalesce(idx_scan, 0))::float8 AS read
      FROM pg_stat_xact_user_tables WHERE relname = 'event_deliveries' AND schemaname = current_schema()`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Read)),
    Effect.map((found) => found[0]?.read ?? 0)
  )
)

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

const program = Effect.gen(function* () {
  const sql = yield* SqlClient
  const statements = deliveryStatements(sql)

  /** One claim in a transaction that is then rolled back (the failure carries the measures out). */
  const measure = sql
    .withTransaction(
      Effect.gen(function* () {
        const before = yield* rowsRead
        const start = yield* Clock.currentTimeMillis
        const { claims: claimed } = yield* claimHeads(statements, "conversation", 16, "30 seconds", "")
        const millis = (yield* Clock.currentTimeMillis) - start
        return yield* new RolledBack({ millis, read: (yield* rowsRead) - before, claimed: claimed.length })
      })
    )
    .pipe(Effect.flip, Effect.flatMap((outcome) => (outcome._tag === "RolledBack" ? Effect.succeed(outcome) : Effect.fail(outcome))))

  const scenario = (label: string) =>
    Effect.gen(function* () {
      const results = yield* Effect.forEach(Array.from({ length: rounds }), () => measure)
      const line = `${label.padEnd(48)} ${String(median(results.map((r) => r.millis))).padStart(6)} ms  ${String(median(results.map((r) => r.read))).padStart(8)} rows read  ${results[0]?.claimed ?? 0} claimed`
      yield* Effect.sync(() => console.log(line))
    })

  for (const keys of [1_000, 100_000]) {
    yield* sql`DELETE FROM event_deliveries`
    yield* sql`
      INSERT INTO event_deliveries (subscription, message_id, key, event_type, body)
      SELECT 'conversation', 'm' || i, 'user-' || (i % ${keys}), 'UserMessageReceivedEvent', repeat('x', 200)
      FROM generate_series(1, ${rows}) i`
    yield* sql`VACUUM ANALYZE event_deliveries`
    yield* scenario(`${rows} rows over ${keys} keys, heads due`)
    yield* sql`
      UPDATE event_deliveries d SET available_at = now() + interval '1 hour'
      WHERE NOT EXISTS (SELECT 1 FROM event_deliveries e WHERE e.key = d.key AND e.seq < d.seq)`
    yield* sql`VACUUM ANALYZE event_deliveries`
    yield* scenario(`${rows} rows over ${keys} keys, every head waiting`)
  }
})

Effect.runPromise(program.pipe(Effect.provide(MigrationsLive), Effect.provide(freshSchema("bench_claim")), Effect.scoped)).catch(
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  }
)
