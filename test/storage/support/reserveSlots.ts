/**
 * One process of test/storage/rateBudgetsProcesses.test.ts: on its own pool, waits at the gate
 * until every process is up, then reserves slots of one budget at a fixed instant and prints the
 * waits (ms) as JSON.
 *
 *   tsx reserveSlots.ts <database url> <key> <count> <now ms> <burst> <interval ms> <processes>
 */
import { PgClient } from "@effect/sql-pg"
import { SqlClient } from "@effect/sql/SqlClient"
import { Duration, Effect, Layer, Redacted, Schedule } from "effect"
import { PgRateBudgets } from "../../../adapters/postgres/PgRateBudgets.js"
import { RateBudgets } from "../../../application/ports/RateBudgets.js"

const [url = "", key = "", count = "0", now = "0", burst = "1", interval = "1", processes = "2"] = process.argv.slice(2)

const program = Effect.gen(function* () {
  const sql = yield* SqlClient
  yield* sql`INSERT INTO gate DEFAULT VALUES`
  yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM gate`.pipe(
    Effect.filterOrFail(([row]) => (row?.n ?? 0) >= Number(processes), () => "the others are not up yet"),
    Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("60 seconds")))
  )
  const budgets = yield* RateBudgets
  const rate = { burst: Number(burst), interval: Duration.millis(Number(interval)) }
  const waits = yield* Effect.all(
    Array.from({ length: Number(count) }, () => Effect.map(budgets.reserve(key, rate, new Date(Number(now))), Duration.toMillis)),
    { concurrency: 8 }
  )
  process.stdout.write(JSON.stringify(waits))
})

Effect.runPromise(
  program.pipe(Effect.provide(Layer.provideMerge(PgRateBudgets, PgClient.layer({ url: Redacted.make(url), maxConnections: 4 }))))
).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
