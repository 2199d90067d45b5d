import { Duration } from "effect"
import { dayMs } from "./ids.js"
import type { GraphSettings } from "./settings.js"
import type { GraphState } from "./state.js"

/** Meta's limits on sends: the number's throughput, the pair rate, and the 24 h window. */
export const makePacing = (settings: GraphSettings, state: GraphState) => {
  const throughputExceeded = (at: number) =>
    state.attempts.filter((attempt) => attempt.code === undefined && attempt.at > at - 1000).length >= settings.throughputPerSecond

  /** GCRA per person, as Meta's pair limit with its short bursts. */
  const pairExceeded = (userId: string, at: number): boolean => {
    const pairRate = settings.pairRate
    if (pairRate === "off") return false
    const interval = Duration.toMillis(pairRate.interval)
    const tat = Math.max(state.pairCells.get(userId) ?? at, at)
    if (tat - at > interval * (pairRate.burst - 1)) return true
    state.pairCells.set(userId, tat + interval)
    return false
  }

  const windowOpen = (userId: string, at: number) => {
    const last = state.lastInbound.get(userId)
    return last !== undefined && at - last <= dayMs
  }

  return { throughputExceeded, pairExceeded, windowOpen }
}

export type Pacing = ReturnType<typeof makePacing>
