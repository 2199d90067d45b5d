import { Context } from "effect"
import type { Duration, Effect } from "effect"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/** A pace: `burst` slots at once, then one every `interval`. */
export interface Rate {
  readonly burst: number
  readonly interval: Duration.Duration
}

/**
 * Budgets of calls shared by every process on the same storage, such as the sends one WhatsApp
 * number may make a second: two replicas share one budget instead of each taking a whole one.
 *
 * A budget is a generic cell rate algorithm (one timestamp per key): each reservation takes the
 * next free slot, so no two callers anywhere get the same slot, and over any span `T` at most
 * `burst + T / interval` slots start.
 */
export class RateBudgets extends Context.Tag("whatsapp-astria-bot/RateBudgets")<
  RateBudgets,
  {
    /**
     * Reserves the next slot of `key`'s budget as of `now`; answers how long after `now` it
     * starts (zero while the burst lasts). The slot is spent whether or not the caller uses it.
     * Not to be called inside a transaction: the budget's row stays locked until it commits.
     */
    readonly reserve: (key: string, rate: Rate, now: Date) => Effect.Effect<Duration.Duration, StorageUnavailable>
  }
>() {}
