import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Exit } from "effect"
import { MaintenanceSettings } from "../../application/maintenance/MaintenanceSettings.js"

const read = (env: Record<string, string>) =>
  Effect.withConfigProvider(MaintenanceSettings.config, ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("MaintenanceSettings", () => {
  it.effect("keeps 14 days of history unless HISTORY_RETENTION_DAYS says otherwise", () =>
    Effect.gen(function* () {
      expect(Duration.toDays((yield* read({})).historyRetention)).toBe(14)
      const custom = yield* read({ HISTORY_RETENTION_DAYS: "30" })
      expect(Duration.toDays(custom.historyRetention)).toBe(30)
      expect(Duration.toDays(custom.unpaidPhotoRetention)).toBe(30)
      expect(Duration.toDays(custom.publishedOutboxRetention)).toBe(7)
    })
  )

  it.effect("refuses a retention that is not a whole number of days, naming the key", () =>
    Effect.gen(function* () {
      for (const value of ["0", "-3", "two weeks", "1.5"]) {
        const exit = yield* Effect.exit(read({ HISTORY_RETENTION_DAYS: value }))
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("HISTORY_RETENTION_DAYS")
      }
    })
  )
})
