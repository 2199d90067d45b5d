import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Scope } from "effect"
import { groupCommit } from "../../adapters/postgres/groupCommit.js"

class Refused {
  readonly _tag = "Refused"
  constructor(readonly input: number) {}
}

/** A write that doubles its inputs after a few milliseconds, refusing negative ones, and remembers its batches. */
const doublingWrite = () => {
  const batches: Array<ReadonlyArray<number>> = []
  const write = (inputs: ReadonlyArray<number>) =>
    Effect.suspend(() => {
      batches.push(inputs)
      const refused = inputs.find((input) => input < 0)
      return Effect.sleep("5 millis").pipe(
        Effect.zipRight(refused === undefined ? Effect.succeed(inputs.map((input) => input * 2)) : Effect.fail(new Refused(refused)))
      )
    })
  return { batches, write }
}

describe("groupCommit", () => {
  it.live("writes what concurrent callers queued together, and gives each caller its own result", () =>
    Effect.gen(function* () {
      const { batches, write } = doublingWrite()
      const record = yield* groupCommit({ write, concurrency: 1, maxBatch: 64 })
      const inputs = Array.from({ length: 30 }, (_, index) => index + 1)
      const results = yield* Effect.all(inputs.map(record), { concurrency: "unbounded" })
      expect(results).toEqual(inputs.map((input) => input * 2))
      expect(batches.length).toBeLessThan(inputs.length / 2)
      expect(batches.flat().sort((a, b) => a - b)).toEqual(inputs)
    }).pipe(Effect.scoped))

  it.live("does not hold a lone caller back", () =>
    Effect.gen(function* () {
      const { batches, write } = doublingWrite()
      const record = yield* groupCommit({ write, concurrency: 2, maxBatch: 64 })
      expect(yield* record(21)).toBe(42)
      expect(batches).toEqual([[21]])
    }).pipe(Effect.scoped))

  it.live("keeps batches within maxBatch", () =>
    Effect.gen(function* () {
      const { batches, write } = doublingWrite()
      const record = yield* groupCommit({ write, concurrency: 1, maxBatch: 4 })
      yield* Effect.all(Array.from({ length: 20 }, (_, index) => record(index)), { concurrency: "unbounded" })
      expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(4)
    }).pipe(Effect.scoped))

  it.live("fails only the caller whose input the write refuses, writing the rest of its batch again", () =>
    Effect.gen(function* () {
      const { write } = doublingWrite()
      const record = yield* groupCommit({ write, concurrency: 1, maxBatch: 64 })
      const inputs = [1, 2, -3, 4, 5, 6]
      const exits = yield* Effect.all(inputs.map((input) => Effect.exit(record(input))), { concurrency: "unbounded" })
      expect(exits.map((exit) => (Exit.isSuccess(exit) ? exit.value : "refused"))).toEqual([2, 4, "refused", 8, 10, 12])
      expect(exits[2]).toEqual(Exit.fail(new Refused(-3)))
    }).pipe(Effect.scoped))

  it.live("interrupts its callers when its scope closes while they wait", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const record = yield* groupCommit({ write: () => Effect.never, concurrency: 1, maxBatch: 64 }).pipe(Scope.extend(scope))
      const inFlight = yield* Effect.fork(record(1))
      const queued = yield* Effect.fork(record(2))
      yield* Effect.sleep("10 millis")
      yield* Scope.close(scope, Exit.void)
      expect(Exit.isInterrupted(yield* Fiber.await(inFlight))).toBe(true)
      expect(Exit.isInterrupted(yield* Fiber.await(queued))).toBe(true)
    }))
})
