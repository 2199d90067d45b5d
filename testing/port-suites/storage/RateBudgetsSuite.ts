import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import type { Layer } from "effect"
import { RateBudgets } from "../../../application/ports/RateBudgets.js"
import { at, unique } from "./fixtures.js"

const rate = { burst: 3, interval: Duration.millis(100) }

/** The waits, in ms, of reservations made one after another at `now`. */
const reserveInTurn = (key: string, times: number, now: Date, pace = rate) =>
  Effect.flatMap(RateBudgets, (budgets) =>
    Effect.forEach(Array.from({ length: times }), () => Effect.map(budgets.reserve(key, pace, now), Duration.toMillis))
  )

/** The guarantees of every RateBudgets adapter. */
export const rateBudgetsSuite = <E>(name: string, layer: Layer.Layer<RateBudgets, E>) =>
  describe(`RateBudgets contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("grants the burst at once, then one slot per interval", () =>
        Effect.gen(function* () {
          expect(yield* reserveInTurn(unique("budget"), 6, at(0))).toEqual([0, 0, 0, 100, 200, 300])
        }))

      it.effect("refills with time: a whole burst after a pause, part of one after a shorter pause", () =>
        Effect.gen(function* () {
          const key = unique("budget")
          yield* reserveInTurn(key, 6, at(0))
          // Booked until 600 ms, with room for a burst of 3: at 450 ms one slot is free, the next at 500 ms.
          expect(yield* reserveInTurn(key, 3, at(450))).toEqual([0, 50, 150])
          const other = unique("budget")
          yield* reserveInTurn(other, 6, at(0))
          expect(yield* reserveInTurn(other, 4, at(10_000))).toEqual([0, 0, 0, 100])
        }))

      it.effect("keeps each key's budget apart", () =>
        Effect.gen(function* () {
          const [first, second] = [unique("budget"), unique("budget")]
          yield* reserveInTurn(first, 5, at(0))
          expect(yield* reserveInTurn(second, 4, at(0))).toEqual([0, 0, 0, 100])
        }))

      it.effect("gives each of many concurrent callers a slot of its own", () =>
        Effect.gen(function* () {
          const budgets = yield* RateBudgets
          const key = unique("budget")
          const pace = { burst: 4, interval: Duration.millis(10) }
          const waits = yield* Effect.all(
            Array.from({ length: 40 }, () => Effect.map(budgets.reserve(key, pace, at(0)), Duration.toMillis)),
            { concurrency: "unbounded" }
          )
          const expected = [0, 0, 0, ...Array.from({ length: 37 }, (_, n) => n * 10)]
          expect([...waits].sort((a, b) => a - b)).toEqual(expected)
        }))
    })
  })
