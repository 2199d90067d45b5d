import type { Effect } from "effect"
import { makeWakeup, type WakeupService } from "../../../application/events/Wakeup.js"

/** Wakes a waiting consumer loop; many notifications before it wakes count as one. */
export type Signal = WakeupService

export const makeSignal: Effect.Effect<Signal> = makeWakeup
