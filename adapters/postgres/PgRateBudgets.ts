import { SqlClient } from "@effect/sql/SqlClient"
import { Duration, Effect, Layer, Schema } from "effect"
import { RateBudgets, type Rate } from "../../application/ports/RateBudgets.js"
import type { StorageUnavailable } from "../../application/ports/StorageUnavailable.js"
import { groupCommit } from "./groupCommit.js"
import { decodeRows } from "./PgQuery.js"

const decodeTat = decodeRows(Schema.Struct({ tat: Schema.Number }))

interface Reservation {
  readonly key: string
  readonly rate: Rate
  readonly now: Date
}

/** Reservations of one key at one pace share a statement. */
const budgetOf = ({ key, rate }: Reservation) => `${key}\u0000${rate.burst}\u0000${Duration.toMillis(rate.interval)}`

/**
 * The budgets in one row per key, shared by every process on the database. A reservation moves
 * the key's theoretical arrival time one interval on under the row lock, so every caller, in any
 * process, gets a slot of its own.
 *
 * Concurrent reservations of one key in this process go to the database together (group commit):
 * one upsert moves the time on by as many intervals as there are callers, who take the slots in
 * turn, as if each had reserved alone, one after the other, at the latest of their `now`s (a
 * caller who asked a moment earlier waits that moment longer, never less). Each answered message
 * reserves twice (its read receipt and its reply), and the conversation consumers and the sender
 * reserve at once when busy: 2.0 upserts per answered message became 0.53-0.58 (the whole bot,
 * 400 first messages at 20 connections, a Graph API stand-in, 2026-12-06). A lone caller goes at
 * once, as before.
 *
 * Chosen over a single active sender elected by lease: every replica keeps sending (and preparing
 * media, which is the sender's CPU-heavy part), read receipts from any process count against the
 * same budget, and a replica that dies leaves no lease to wait out. Measured
 * (`bench/pacing/run.ts`, bench/RESULTS.md) at about 3 ms a round trip, and 400-1000 reservations
 * a second on one row with 32 callers queued on a busy 2-core machine, against the 80 a second a
 * number allows. Nothing on npm fitted: @effect/experimental's RateLimiter stores are memory and
 * Redis, and rate-limiter-flexible's Postgres limiter counts fixed windows (twice the rate across
 * a window's edge) on a pg client of its own.
 */
export const PgRateBudgets = Layer.scoped(
  RateBudgets,
  Effect.gen(function* () {
    const sql = yield* SqlClient

    /** `count` slots of one budget in one upsert; the waits of its callers, in their order. */
    const reserveSlots = (reservations: ReadonlyArray<Reservation>): Effect.Effect<ReadonlyArray<Duration.Duration>, StorageUnavailable> => {
      const [first] = reservations
      if (first === undefined) return Effect.succeed([])
      const interval = Duration.toMillis(first.rate.interval)
      const at = Math.max(...reservations.map((reservation) => reservation.now.getTime()))
      const span = interval * reservations.length
      return decodeTat(sql`
        INSERT INTO rate_budgets (key, tat) VALUES (${first.key}, ${at + span}::float8)
        ON CONFLICT (key) DO UPDATE SET tat = GREATEST(rate_budgets.tat, ${at}::float8) + ${span}::float8
        RETURNING tat`).pipe(
        Effect.map(([row]) => {
          const last = row?.tat ?? at + span
          return reservations.map((reservation, index) => {
            const tat = last - interval * (reservations.length - 1 - index)
            return Duration.millis(Math.max(0, tat - reservation.now.getTime() - interval * first.rate.burst))
          })
        })
      )
    }

    const reserveTogether = yield* groupCommit({
      write: (batch: ReadonlyArray<Reservation>) =>
        Effect.gen(function* () {
          const byBudget = new Map<string, Array<readonly [number, Reservation]>>()
          batch.forEach((reservation, index) => {
            const budget = budgetOf(reservation)
            byBudget.set(budget, [...(byBudget.get(budget) ?? []), [index, reservation]])
          })
          const waits: Array<Duration.Duration> = []
          yield* Effect.forEach(
            byBudget.values(),
            (members) =>
              Effect.map(reserveSlots(members.map(([, reservation]) => reservation)), (granted) =>
                granted.forEach((wait, n) => {
                  const member = members[n]
                  if (member !== undefined) waits[member[0]] = wait
                })
              ),
            { concurrency: "unbounded", discard: true }
          )
          return waits
        }),
      // One batch at a time: the key's row lock would queue a second one anyway, and whoever
      // comes meanwhile joins the next.
      concurrency: 1,
      maxBatch: 200
    })

    return RateBudgets.of({ reserve: (key, rate, now) => reserveTogether({ key, rate, now }) })
  })
)
