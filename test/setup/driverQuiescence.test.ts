import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Option, TestClock } from "effect"
import { InMemoryEventBroker } from "../../adapters/memory/InMemoryEventBroker.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { EventBroker } from "../../application/ports/EventBroker.js"
import { EventQueueReadings } from "../../application/ports/EventQueueReadings.js"
import { Users } from "../../application/ports/Users.js"
import { botSubscriptions } from "../../application/workers/Consumers.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { FakeGraphLive } from "../../testing/fakes/graph-api/layers.js"
import { FakePaymentProvider } from "../../testing/fakes/payments/FakePaymentProvider.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { payOnFakeCheckout } from "../../testing/FakeParts.js"

/** The driver over empty storage and a broker whose consumers have not taken what was published. */
const world = BotDriver.layer.pipe(
  Layer.provideMerge(
    Layer.mergeAll(
      FakeGraphLive({ pairRate: "off" }),
      FakeAstria.layer(),
      payOnFakeCheckout.pipe(Layer.provideMerge(FakePaymentProvider.layer({ secret: "unused" }))),
      InMemoryStorage,
      InMemoryEventBroker.layer({ subscriptions: botSubscriptions })
    )
  )
)

describe("the driver's wait for quiescence", () => {
  it.effect("does not call the bot quiet while an event waits in the broker for its consumer", () =>
    Effect.gen(function* () {
      const broker = yield* EventBroker
      // Published (so out of the outbox) and not yet handled: the person's user is not made yet.
      yield* broker.publish([{ id: "event-1", key: "sender:1", eventType: "UserMessageReceivedEvent", body: "{}" }])
      const waited = yield* Effect.fork(Effect.flip(Effect.flatMap(BotDriver, (driver) => driver.quiescent({ timeoutMillis: 5_000, settleMillis: 300 }))))
      yield* TestClock.adjust("6 seconds")
      const busy = yield* Fiber.join(waited)
      expect(busy._tag).toBe("DriverBusy")
      expect(busy.backlog).toMatch(/1 event\(s\) in the broker/)
    }).pipe(Effect.provide(world)))

  it.effect("calls it quiet once the consumer has taken the event", () =>
    Effect.gen(function* () {
      const broker = yield* EventBroker
      yield* broker.publish([{ id: "event-1", key: "sender:1", eventType: "UserMessageReceivedEvent", body: "{}" }])
      const handled: Array<string> = []
      yield* broker.consume("conversation", (message) => Effect.sync(() => void handled.push(message.id)))
      const waited = yield* Effect.fork(Effect.flatMap(BotDriver, (driver) => driver.quiescent({ timeoutMillis: 5_000, settleMillis: 300 })))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(waited)
      expect(handled).toEqual(["event-1"])
    }).pipe(Effect.scoped, Effect.provide(world)))

  it.live("through the harness, a first message's person exists once the driver says the bot is quiet", () =>
    Effect.gen(function* () {
      expect(Option.isSome(yield* Effect.serviceOption(EventQueueReadings))).toBe(true)
      const driver = yield* BotDriver
      const person = yield* driver.user({ waId: "972507000009" })
      yield* person.says("hello")
      yield* driver.quiescent()
      const people = yield* Effect.flatMap(Users, (users) => users.list({ limit: 10, offset: 0 }))
      expect(people.map((user) => Option.getOrUndefined(user.waId))).toEqual(["972507000009"])
    }).pipe(Effect.provide(BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage: InMemoryStorage }))))), 60_000)
})
