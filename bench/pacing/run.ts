/**
 * Pacing benchmark: what one reservation of the shared send budget costs (PgRateBudgets), against
 * the in-memory budget, under the load of two processes sending for one number. See
 * bench/README.md, "Pacing".
 *
 *   npx tsx bench/pacing/run.ts   (PACING_BENCH_RESERVATIONS=4000, PACING_BENCH_CONCURRENCY=16)
 */
import { PgClient } from "@effect/sql-pg"
import { Context, Duration, Effect, Layer, Option } from "effect"
import { cpus } from "node:os"
import { InMemoryRateBudgets } from "../../adapters/memory/InMemoryRateBudgets.js"
import { MigrationsLive } from "../../adapters/postgres/Migrations.js"
import { PgRateBudgets } from "../../adapters/postgres/PgRateBudgets.js"
import { RateBudgets } from "../../application/ports/RateBudgets.js"
import { freshSchema } from "../../test/support/TestDatabase.js"

const reservations = Number(process.env.PACING_BENCH_RESERVATIONS ?? 4000)
const concurrency = Number(process.env.PACING_BENCH_CONCURRENCY ?? 16)
/** Meta's default: 80 messages a second, a burst of a tenth of a second's worth (WhatsAppCloud.ts). */
const rate = { burst: 8, interval: Duration.millis(12.5) }

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0

/** Half the reservations through each process's budgets, `concurrency` at a time in each; one key. */
const load = (label: string, processes: ReadonlyArray<Context.Tag.Service<RateBudgets>>) =>
  Effect.gen(function* () {
    const key = `bench-${label}-${Date.now()}`
    const latencies: Array<number> = []
    const started = performance.now()
    yield* Effect.forEach(
      processes,
      (budgets) =>
        Effect.forEach(
          Array.from({ length: reservations / processes.length }),
          () =>
            Effect.suspend(() => {
              const at = performance.now()
              return Effect.tap(budgets.reserve(key, rate, new Date()), () => Effect.sync(() => latencies.push(performance.now() - at)))
            }),
          { concurrency, discard: true }
        ),
      { concurrency: "unbounded", discard: true }
    )
    const seconds = (performance.now() - started) / 1000
    const sorted = [...latencies].sort((a, b) => a - b)
    return {
      side: label,
      perSecond: Math.round(reservations / seconds),
      p50: percentile(sorted, 0.5).toFixed(2),
      p99: percentile(sorted, 0.99).toFixed(2)
    }
  })

const program = Effect.gen(function* () {
  const client = Context.get(yield* Layer.build(Layer.provideMerge(MigrationsLive, freshSchema("pacing_bench"))), PgClient.PgClient)
  const url = Option.getOrThrow(Option.fromNullable(client.config.url))
  const pgProcess = () =>
    Effect.map(Layer.build(PgRateBudgets.pipe(Layer.provide(PgClient.layer({ url, maxConnections: 10 })))), Context.get(RateBudgets))
  const memory = Context.get(yield* Layer.build(InMemoryRateBudgets), RateBudgets)
  const rows = []
  for (let round = 0; round < 3; round++) {
    rows.push(yield* load("in memory, one process", [memory]))
    rows.push(yield* load("Postgres, two pools", [yield* pgProcess(), yield* pgProcess()]))
  }
  console.log(`${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), ${reservations} reservations, ${concurrency} at once per process`)
  console.log("| side | reservations/s | p50 ms | p99 ms |\n|---|---:|---:|---:|")
  for (const row of rows) console.log(`| ${row.side} | ${row.perSecond} | ${row.p50} | ${row.p99} |`)
  console.log(`A send needs one reservation; the number's budget allows one every ${Duration.toMillis(rate.interval)} ms.`)
})

Effect.runPromise(Effect.scoped(program)).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
