import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, LogLevel, TestClock } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { MaintenanceSchedule } from "../../application/maintenance/MaintenanceSchedule.js"
import { MaintenanceSettings } from "../../application/maintenance/MaintenanceSettings.js"
import { StorageUnavailable } from "../../application/ports/StorageUnavailable.js"
import { Tunes } from "../../application/ports/Tunes.js"

const tuesday = Date.parse("2030-01-01T00:00:00Z")
const hour = 60 * 60 * 1000

/** Counts the runs by the step every run ends with; the first run fails, as a database might. */
const countingTunes = (runs: Array<string>) =>
  Layer.succeed(Tunes, {
    add: () => Effect.dieMessage("unused"),
    savedForUser: () => Effect.dieMessage("unused"),
    listForUser: () => Effect.dieMessage("unused"),
    deleteForUser: () => Effect.dieMessage("unused"),
    markExpired: (now) =>
      Effect.suspend(() => {
        runs.push(now.toISOString())
        return runs.length === 1 ? Effect.fail(new StorageUnavailable({ reason: "down at the first run" })) : Effect.succeed(0)
      })
  })

describe("maintenance schedule", () => {
  it.effect("runs on Wednesdays at 04:00 UTC, not at start, and keeps going after a failed run", () => {
    const runs: Array<string> = []
    return Effect.gen(function* () {
      yield* TestClock.setTime(tuesday)
      yield* Layer.build(MaintenanceSchedule)
      yield* TestClock.adjust(27 * hour + 59 * 60 * 1000) // Wednesday 03:59
      expect(runs).toEqual([])
      yield* TestClock.adjust(2 * 60 * 1000) // 04:01
      expect(runs).toEqual(["2030-01-02T04:00:00.000Z"])
      yield* TestClock.adjust(7 * 24 * hour)
      expect(runs).toEqual(["2030-01-02T04:00:00.000Z", "2030-01-09T04:00:00.000Z"])
      yield* TestClock.adjust(7 * 24 * hour)
      expect(runs).toHaveLength(3)
    }).pipe(
      Effect.scoped,
      Effect.provide(countingTunes(runs)),
      Effect.provide(Layer.merge(InMemoryStorage, MaintenanceSettings.defaults)),
      Logger.withMinimumLogLevel(LogLevel.None)
    )
  })
})
