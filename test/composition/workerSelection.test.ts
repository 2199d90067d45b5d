import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { conversationSubscription } from "../../application/conversation/ConversationConsumer.js"
import { checkoutSubscription } from "../../application/payments/CheckoutConsumer.js"
import { trainingSubscription } from "../../application/training/TrainingConsumer.js"
import { botSubscriptions, consumedSubscriptions } from "../../application/workers/Consumers.js"
import { makeInMemoryEventBroker } from "../../adapters/memory/InMemoryEventBroker.js"

describe("the consumers a process runs, by its services", () => {
  it("are every subscription's with every service, and only the payment service's training and checkout with it alone", () => {
    expect(consumedSubscriptions(["message", "image", "payment", "maintenance"])).toEqual(botSubscriptions)
    expect(consumedSubscriptions(["payment"])).toEqual([trainingSubscription, checkoutSubscription])
    expect(consumedSubscriptions(["maintenance"])).toEqual([])
  })

  it.scoped("leave an in-memory broker with no subscription that nobody in the process would read", () =>
    Effect.gen(function* () {
      const broker = yield* makeInMemoryEventBroker({ subscriptions: consumedSubscriptions(["payment"]) })
      // The webhook's events are published all the same; with no conversation here, none is kept.
      yield* broker.publish([{ id: "e1", key: "k", eventType: "UserMessageReceivedEvent", body: "{}" }])
      const consumed = yield* Effect.exit(broker.consume(conversationSubscription.name, () => Effect.void))
      expect(Exit.isFailure(consumed)).toBe(true)
      yield* broker.consume(trainingSubscription.name, () => Effect.void)
    }))
})
