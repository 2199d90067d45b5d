import { Effect, Fiber, Runtime } from "effect"

/**
 * `effect`, or `onTimeout()` once `millis` have passed and the effect was interrupted. What
 * `Effect.timeoutFail` does, cheaper: that races the effect against a sleep in two fibers of their
 * own and joins their state back, which on every WhatsApp call cost about as much CPU as the HTTP
 * call itself. Here the effect runs in one fiber and a plain timer ends the wait. The deadline is
 * wall-clock time, like the network's: a TestClock does not move it.
 */
export const withinDeadline = <A, E, R, E2>(
  effect: Effect.Effect<A, E, R>,
  millis: number,
  onTimeout: () => E2
): Effect.Effect<A, E | E2, R> =>
  Effect.flatMap(Effect.runtime<R>(), (runtime) =>
    Effect.async<A, E | E2>((resume) => {
      let settled = false
      const fiber = Runtime.runFork(runtime)(effect)
      const timer = setTimeout(() => {
        if (settled) return
        settled = true
        resume(Effect.zipRight(Fiber.interrupt(fiber), Effect.fail(onTimeout())))
      }, millis)
      fiber.addObserver((exit) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resume(exit)
      })
      return Effect.suspend(() => {
        settled = true
        clearTimeout(timer)
        return Fiber.interrupt(fiber)
      })
    })
  )
