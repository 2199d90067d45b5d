import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Layer, Schedule } from "effect"
import { PgEventBroker, PgEventBrokerConfig } from "../../adapters/postgres/PgEventBroker.js"
import { EventBroker, RetryableFailure } from "../../application/ports/EventBroker.js"
import { freshSchema, isReachable } from "../support/TestDatabase.js"

const reachable = await isReachable()

const read = (settings: Record<string, string>) =>
  PgEventBrokerConfig.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings)))))

describe("the Postgres broker's settings", () => {
  it.effect("default to 20 deliveries, a 30 s lease, polling every 500 ms and 16 at once", () =>
    Effect.gen(function* () {
      const settings = yield* read({})
      expect(settings.maxDeliveries).toBe(20)
      expect(Duration.toMillis(settings.lease)).toBe(30_000)
      expect(Duration.toMillis(settings.pollInterval)).toBe(500)
      expect(settings.concurrency).toBe(16)
    })
  )

  it.effect("are read from EVENT_QUEUE_*", () =>
    Effect.gen(function* () {
      const settings = yield* read({
        EVENT_QUEUE_MAX_DELIVERIES: "5",
        EVENT_QUEUE_LEASE: "2 minutes",
        EVENT_QUEUE_POLL_INTERVAL: "2 seconds",
        EVENT_QUEUE_CONCURRENCY: "4"
      })
      expect(settings.maxDeliveries).toBe(5)
      expect(Duration.toMillis(settings.lease)).toBe(120_000)
      expect(Duration.toMillis(settings.pollInterval)).toBe(2_000)
      expect(settings.concurrency).toBe(4)
    })
  )

  it.effect("refuse a value that makes no sense, naming the setting", () =>
    Effect.gen(function* () {
      for (const [name, value] of [
        ["EVENT_QUEUE_MAX_DELIVERIES", "0"],
        ["EVENT_QUEUE_LEASE", "100 millis"],
        ["EVENT_QUEUE_POLL_INTERVAL", "0 millis"],
        ["EVENT_QUEUE_CONCURRENCY", "0"],
        ["EVENT_QUEUE_CONCURRENCY", "many"]
      ] as const) {
        const error = yield* Effect.flip(read({ [name]: value }))
        expect(String(error)).toContain(name)
      }
    })
  )

  it.live.skipIf(!reachable)("are the wired broker's: a message failing every time is dead-lettered after EVENT_QUEUE_MAX_DELIVERIES", () =>
    Effect.gen(function* () {
      const broker = yield* EventBroker
      yield* broker.consume("conversation", () => Effect.fail(new RetryableFailure({ reason: "always" })))
      yield* broker.publish([{ id: "settings-1", key: "user-1", eventType: "UserMessageReceivedEvent", body: "{}" }])
      const letters = yield* broker.deadLetters("conversation").pipe(
        Effect.filterOrFail((found) => found.length > 0, () => new Error("not yet")),
        Effect.retry({ schedule: Schedule.spaced("50 millis"), times: 600 })
      )
      expect(letters.map((letter) => letter.deliveries)).toEqual([2])
    }).pipe(
      Effect.scoped,
      Effect.provide(
        PgEventBroker.fromConfig([{ name: "conversation", eventTypes: ["UserMessageReceivedEvent"] }]).pipe(
          Layer.provide(freshSchema("broker_settings")),
          Layer.provide(
            Layer.setConfigProvider(
              ConfigProvider.fromMap(new Map([["EVENT_QUEUE_MAX_DELIVERIES", "2"], ["EVENT_QUEUE_POLL_INTERVAL", "50 millis"]]))
            )
          )
        )
      )
    ), 60_000
  )
})
