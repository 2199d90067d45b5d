import { Effect } from "effect"
import type sharp from "sharp"

export type Sharp = typeof sharp

let loaded: Promise<Sharp> | undefined

/**
 * sharp, imported on first use: its native library takes hundreds of milliseconds to load, which a
 * process that never checks, prepares or renders an image (the Functions handler, SERVICES=message)
 * should not pay at start (bench/cold-start). Once per process; a failure to load (no binary for
 * this platform) is a defect, as it was when it failed the start.
 */
export const loadSharp: Effect.Effect<Sharp> = Effect.promise(() => (loaded ??= import("sharp").then((module) => module.default)))
