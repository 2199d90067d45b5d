import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Metric } from "effect"
import { PgEventBroker } from "../../adapters/postgres/PgEventBroker.js"
import { PgEventQueueReadings } from "../../adapters/postgres/PgEventQueueReadings.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { eventQueueLeased, eventQueueOldestSeconds, eventQueueWaiting } from "../../application/metrics/BotMetrics.js"
import { readStoredState } from "../../application/metrics/readStoredState.js"
import { EventBroker } from "../../application/ports/EventBroker.js"
import { botSubscriptions } from "../../application/workers/Consumers.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"

const reachable = await isReachable()

/** The storage and the Postgres broker on one fresh schema, with the broker's queue readings, as the one wiring builds them. */
const onPostgres = Layer.mergeAll(PgStorage, PgEventBroker.layer({ subscriptions: botSubscriptions }), PgEventQueueReadings).pipe(
  Layer.provide(freshSchema("event_queue_gauges"))
)

const gauge = (metric: typeof eventQueueWaiting, subscription: string) =>
  Effect.map(Metric.value(Metric.tagged(metric, "subscription", subscription)), (state) => state.value)

describe.skipIf(!reachable && !inCi)("the event queue's gauges, on the Postgres broker", () => {
  it.effect("read how many events wait per subscription and how long the oldest has", () =>
    Effect.gen(function* () {
      const broker = yield* EventBroker
      yield* broker.publish(
        ["first", "second"].map((id) => ({ id: `${id}-${globalThis.crypto.randomUUID()}`, key: "someone", eventType: "UserMessageReceivedEvent", body: "{}" }))
      )
      yield* readStoredState
      expect(yield* gauge(eventQueueWaiting, "conversation")).toBe(2)
      expect(yield* gauge(eventQueueLeased, "conversation")).toBe(0)
      expect(yield* gauge(eventQueueWaiting, "images")).toBe(0)
      expect(yield* gauge(eventQueueOldestSeconds, "conversation")).toBeLessThan(60)
    }).pipe(Effect.provide(onPostgres)), 60_000)
})
