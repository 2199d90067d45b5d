import { Duration } from "effect"

/** Exponential delay for the n-th failed attempt of a stored piece of work: 1 s, 2 s, 4 s... at most 5 minutes. */
export const retryDelay = (attempts: number): Duration.Duration =>
  Duration.millis(Math.min(1000 * 2 ** Math.max(0, attempts - 1), 5 * 60 * 1000))
