import { SqlClient } from "@effect/sql/SqlClient"
import { Duration, Effect, Layer, Schema } from "effect"
import { RateBudgets } from "../../application/ports/RateBudgets.js"
import { decodeRows } from "./PgQuery.js"

const decodeTat = decodeRows(Schema.Struct({ tat: Schema.Number }))

/**
 * The budgets in one row per key, shared by every process on the database. A reservation is one
 * upsert: the row lock orders concurrent callers, and each moves the key's theoretical arrival
 * time one interval on, so every caller, in any process, gets a slot of its own.
 *
 * Chosen over a single active sender elected by lease: every replica keeps sending (and preparing
 * media, which is the sender's CPU-heavy part), read receipts from any process count against the
 * same budget, and a replica that dies leaves no lease to wait out. The price is one round trip
 * per send: measured (`bench/pacing/run.ts`, bench/RESULTS.md) at about 3 ms, and 400-1000
 * reservations a second on one row with 32 callers queued on a busy 2-core machine, against the 80
 * a second a number allows. Nothing on npm fitted: @effect/experimental's RateLimiter stores are
 * memory and Redis, and rate-limiter-flexible's Postgres limiter counts fixed windows (twice the
 * rate across a window's edge) on a pg client of its own.
 */
export const PgRateBudgets = Layer.effect(
  RateBudgets,
  Effect.map(SqlClient, (sql) =>
    RateBudgets.of({
      reserve: (key, rate, now) => {
        const interval = Duration.toMillis(rate.interval)
        const at = now.getTime()
        return decodeTat(sql`
          INSERT INTO rate_budgets (key, tat) VALUES (${key}, ${at + interval}::float8)
          ON CONFLICT (key) DO UPDATE SET tat = GREATEST(rate_budgets.tat, ${at}::float8) + ${interval}::float8
          RETURNING tat`).pipe(
          Effect.map(([row]) => Duration.millis(Math.max(0, (row?.tat ?? at) - at - interval * rate.burst)))
        )
      }
    })
  )
)
