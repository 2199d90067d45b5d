import { Effect, Schedule } from "effect"
import type { Context } from "effect"
import type { Readiness } from "../ports/Readiness.js"

/** While storage does not answer: ask again from 100 ms, doubling, at most 5 s apart. */
export const whileStorageDown = Schedule.exponential("100 millis").pipe(Schedule.union(Schedule.spaced("5 seconds")))

/**
 * Waits until storage answers, asking it with back-off. The schedule never gives up: this ends
 * when storage answers (or the waiter is interrupted).
 */
export const storageAnswers = (readiness: Context.Tag.Service<Readiness>): Effect.Effect<void> =>
  Effect.ignore(Effect.retry(readiness.check, whileStorageDown))
