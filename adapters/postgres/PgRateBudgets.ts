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
 * per send; `bench/pacing/run.ts` measures it against the interval it guards (bench/RESULTS.md).
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
