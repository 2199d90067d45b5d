import { Clock, Duration, Effect, Random } from "effect"

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
  Effect.sync((): RecipientPacer => {
    const interval = Duration.toMillis(options.interval)
    const tolerance = interval * Math.max(0, options.burst - 1)
    const backoffBase = Duration.toMillis(options.backoffBase)
    const backoffMax = Duration.toMillis(options.backoffMax)
    // Every change below is one synchronous step, so a plain map needs no lock (a SynchronizedRef
    // took a semaphore twice per send).
    const cells = new Map<string, Cell>()

    const cellOf = (table: Map<string, Cell>, key: string, now: number): Cell =>
      table.get(key) ?? { tat: now, blockedUntil: 0, strikes: 0 }

    const sweep = (table: Map<string, Cell>, now: number) => {
      if (table.size < sweepAbove) return
      for (const [key, cell] of table) {
        if (cell.tat <= now && cell.blockedUntil <= now && cell.strikes === 0) table.delete(key)
      }
    }

    const reserve = (key: string, now: number): number => {
      sweep(cells, now)
      const cell = cellOf(cells, key, now)
      const tat = Math.max(cell.tat, now)
      const start = Math.max(tat - tolerance, cell.blockedUntil, now)
      cells.set(key, { ...cell, tat: Math.max(tat, start) + interval })
      return start - now
    }

    // The slot is reserved in one step, then waited for; the clock read in place, as on every send.
    const acquire = (key: string) =>
      Effect.clockWith((clock) => {
        const wait = Duration.millis(reserve(key, clock.unsafeCurrentTimeMillis()))
        return Duration.greaterThan(wait, Duration.zero) ? Effect.as(Effect.sleep(wait), wait) : Effect.succeed(wait)
      })

    const penalize = (key: string) =>
      Effect.flatMap(Effect.zip(Clock.currentTimeMillis, Random.nextRange(0.8, 1.2)), ([now, jitter]) =>
        Effect.sync(() => {
          const cell = cellOf(cells, key, now)
          // Jitter keeps several senders to one person from retrying in lockstep.
          const jittered = Math.min(backoffMax, backoffBase * 2 ** cell.strikes) * jitter
          cells.set(key, { ...cell, strikes: cell.strikes + 1, blockedUntil: Math.max(cell.blockedUntil, now + jittered) })
        })
      )

    const forgive = (key: string) =>
      Effect.sync(() => {
        const cell = cells.get(key)
        if (cell !== undefined && cell.strikes > 0) cells.set(key, { ...cell, strikes: 0 })
      })

    return { acquire, penalize, forgive }
  })
