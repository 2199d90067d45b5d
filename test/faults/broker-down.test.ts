import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BrokerUnavailable, EventBroker } from "../../application/ports/EventBroker.js"
import { Outbox } from "../../application/ports/Outbox.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { HarnessBot } from "../../testing/HarnessBot.js"
import { english } from "../reliability/helpers.js"
import { botOnSharedGraph, inMemoryBroker } from "./inProcessBot.js"
import { peopleOnFakeGraph } from "./support.js"

/** The in-memory broker behind a switch: while it is off, every publish fails as an outage would. */
const switchableBroker = (state: { up: boolean; refused: number }) =>
  Layer.effect(
    EventBroker,
    Effect.map(EventBroker, (broker) =>
      EventBroker.of({
        ...broker,
        publish: (messages) =>
          state.up
            ? broker.publish(messages)
            : Effect.suspend(() => {
                state.refused += 1
                return new BrokerUnavailable({ reason: "the test turned the broker off" })
              })
      })
    )
  ).pipe(Layer.provide(inMemoryBroker))

const welcomes = (seen: ReadonlyArray<{ readonly kind: string; readonly rows: ReadonlyArray<{ readonly title: string }> }>) =>
  seen.filter((m) => m.kind === "List" && m.rows.some((r) => r.title === english.begin)).length

describe("the broker down", () => {
  it.live("accepted messages wait in the outbox while publishing fails, then drain once it is back, each taking effect once", () =>
    Effect.gen(function* () {
      const state = { up: false, refused: 0 }
      const people = yield* Layer.build(peopleOnFakeGraph)
      const graph = Context.get(people, FakeGraph)
      const bot = yield* Layer.build(botOnSharedGraph({ graph, storage: InMemoryStorage, broker: switchableBroker(state) }))
      yield* graph.setWebhookTarget(`${Context.get(bot, HarnessBot).baseUrl}/SmsReceived`)
      const outbox = Context.get(bot, Outbox)
      const driver = Context.get(people, BotDriver)

      const users = yield* Effect.forEach([1, 2, 3, 4, 5], (i) => driver.user({ waId: `97250470000${i}`, name: `P${i}` }))
      const statuses = yield* Effect.forEach(users, (user) =>
        graph.userSends(user.who, { type: "text", text: { body: "hello" } }).pipe(Effect.map((r) => r.statuses))
      )
      expect(statuses.flat()).toEqual([200, 200, 200, 200, 200])

      // Down for a while: the relay keeps trying (with back-off), nothing is lost or sent.
      yield* Effect.sleep("2 seconds")
      expect(state.refused).toBeGreaterThan(1)
      expect((yield* outbox.stats).pending).toBeGreaterThanOrEqual(5)
      for (const user of users) expect(welcomes(yield* user.seen)).toBe(0)

      state.up = true
      for (const user of users) yield* user.waitUntil("the welcome after the broker is back", (seen) => welcomes(seen) >= 1, 30_000)
      yield* Effect.sleep("1 second")
      for (const user of users) expect(welcomes(yield* user.seen)).toBe(1)
      expect((yield* outbox.stats).pending).toBe(0)
    }).pipe(Effect.scoped), 90_000)
})
