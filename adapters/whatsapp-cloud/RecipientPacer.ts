import { Clock, Duration, Effect, Random, SynchronizedRef } from "effect"

/**
 * A token bucket per recipient, as a generic cell rate algorithm (one timestamp per recipient):
 * `burst` messages go out at once, then one per `interval`. Effect's RateLimiter is one bucket
 * with a refill fiber each; a bucket per person would leave a fiber and a scope per person
 * forever, whereas these entries are dropped once idle.
 *
 * A pair-rate refusal (131056) blocks the recipient for an exponentially growing pause, shared by
 * every send to them, and a delivered message resets it.
 */
export interface RecipientPacer {
  /** Waits for this recipient's turn; answers how long it waited. */
  readonly acquire: (key: string) => Effect.Effect<Duration.Duration>
  /** Meta said 131056: pause this recipient for longer each time. */
  readonly penalize: (key: string) => Effect.Effect<void>
  /** A message went through: the next refusal starts the back-off afresh. */
  readonly forgive: (key: string) => Effect.Effect<void>
}

export interface RecipientPacerOptions {
  readonly burst: number
  readonly interval: Duration.DurationInput
  readonly backoffBase: Duration.DurationInput
  readonly backoffMax: Duration.DurationInput
}

interface Cell {
  /** When the bucket is full again (theoretical arrival time), in ms. */
  readonly tat: number
  readonly blockedUntil: number
  readonly strikes: number
}

/** Idle entries are swept once the table reaches this size. */
const sweepAbove = 10_000

export const makeRecipientPacer = (options: RecipientPacerOptions): Effect.Effect<RecipientPacer> =>
  Effect.gen(function* () {
    const interval = Duration.toMillis(options.interval)
    const tolerance = interval * Math.max(0, options.burst - 1)
    const backoffBase = Duration.toMillis(options.backoffBase)
    const backoffMax = Duration.toMillis(options.backoffMax)
    const cells = yield* SynchronizedRef.make(new Map<string, Cell>())

    const cellOf = (table: Map<string, Cell>, key: string, now: number): Cell =>
      table.get(key) ?? { tat: now, blockedUntil: 0, strikes: 0 }

    const sweep = (table: Map<string, Cell>, now: number) => {
      if (table.size < sweepAbove) return
      for (const [key, cell] of table) {
        if (cell.tat <= now && cell.blockedUntil <= now && cell.strikes === 0) table.delete(key)
      }
    }

    const acquire = (key: string) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        // The slot is reserved atomically, then waited for outside the lock.
        const wait = yield* SynchronizedRef.modify(cells, (table) => {
          sweep(table, now)
          const cell = cellOf(table, key, now)
          const tat = Math.max(cell.tat, now)
          const start = Math.max(tat - tolerance, cell.blockedUntil, now)
          table.set(key, { ...cell, tat: Math.max(tat, start) + interval })
          return [start - now, table] as const
        })
        if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
        return Duration.millis(wait)
      })

    const penalize = (key: string) =>
      Effect.flatMap(Effect.zip(Clock.currentTimeMillis, Random.nextRange(0.8, 1.2)), ([now, jitter]) =>
        SynchronizedRef.update(cells, (table) => {
          const cell = cellOf(table, key, now)
          // Jitter keeps several senders to one person from retrying in lockstep.
          const jittered = Math.min(backoffMax, backoffBase * 2 ** cell.strikes) * jitter
          table.set(key, { ...cell, strikes: cell.strikes + 1, blockedUntil: Math.max(cell.blockedUntil, now + jittered) })
          return table
        })
      )

    const forgive = (key: string) =>
      SynchronizedRef.update(cells, (table) => {
        const cell = table.get(key)
        if (cell !== undefined && cell.strikes > 0) table.set(key, { ...cell, strikes: 0 })
        return table
      })

    return { acquire, penalize, forgive }
  })
