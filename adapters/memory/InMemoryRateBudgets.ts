import { Duration, Effect, Layer } from "effect"
import { RateBudgets } from "../../application/ports/RateBudgets.js"

/**
 * The budgets of one process (tests and embedding): the same cell rate algorithm as the Postgres
 * adapter, on a map. Each build is a fresh set of budgets.
 */
export const InMemoryRateBudgets = Layer.sync(RateBudgets, () => {
  /** When each key's budget is whole again (its theoretical arrival time), in ms. */
  const tats = new Map<string, number>()
  return RateBudgets.of({
    reserve: (key, rate, now) =>
      Effect.sync(() => {
        const interval = Duration.toMillis(rate.interval)
        const tat = Math.max(tats.get(key) ?? 0, now.getTime()) + interval
        tats.set(key, tat)
        return Duration.millis(Math.max(0, tat - now.getTime() - interval * rate.burst))
      })
  })
})
