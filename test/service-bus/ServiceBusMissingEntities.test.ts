import { ServiceBusClient, isServiceBusError } from "@azure/service-bus"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { ServiceBusEventBroker } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import type { Subscription } from "../../application/ports/EventBroker.js"
import { startFakeServiceBus } from "./FakeServiceBus.js"

const conversation: Subscription = { name: "conversation", eventTypes: ["UserMessageReceivedEvent"] }
const images: Subscription = { name: "images", eventTypes: ["PhotoReceivedEvent"] }

/** A namespace that has the topic `bot-events` with only the conversation subscription. */
const partialNamespace = Effect.acquireRelease(
  Effect.promise(() => startFakeServiceBus({ topic: "bot-events", subscriptions: [conversation], maxDeliveryCount: 3 })),
  (fake) => Effect.promise(() => fake.close())
)

/** The SDK's error code of a failed call, as an operator would read it. */
const codeOf = (attempt: () => Promise<unknown>) =>
  Effect.promise(() =>
    attempt().then(
      () => "succeeded",
      (error: unknown) => (isServiceBusError(error) ? error.code : `not a ServiceBusError: ${String(error)}`)
    )
  )

describe("entities missing from the namespace", () => {
  // Azure refuses a link to an entity that does not exist with amqp:not-found and "The messaging
  // entity '...' could not be found", which the SDK reports as MessagingEntityNotFound.
  it.live("the fake answers a missing topic or subscription as Azure does: MessagingEntityNotFound", () =>
    Effect.gen(function* () {
      const fake = yield* partialNamespace
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => new ServiceBusClient(fake.connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 5_000 } })),
        (client) => Effect.promise(() => client.close())
      )
      expect(yield* codeOf(() => client.createSender("no-such-topic").createMessageBatch())).toBe("MessagingEntityNotFound")
      expect(yield* codeOf(() => client.createReceiver("bot-events", "images").peekMessages(1))).toBe("MessagingEntityNotFound")
      expect(yield* codeOf(() => client.acceptNextSession("bot-events", "images", { maxAutoLockRenewalDurationInMs: 0 }))).toBe(
        "MessagingEntityNotFound"
      )
      // What exists still answers.
      expect(yield* codeOf(() => client.createReceiver("bot-events", "conversation").peekMessages(1))).toBe("succeeded")
    }).pipe(Effect.scoped))

  it.live("the broker refuses to start without its topic, naming it", () =>
    Effect.gen(function* () {
      const fake = yield* partialNamespace
      const error = yield* Layer.build(
        ServiceBusEventBroker.layer({
          subscriptions: [conversation],
          maxDeliveries: 3,
          topic: "no-such-topic",
          connectionString: Redacted.make(fake.connectionString)
        })
      ).pipe(Effect.flip)
      expect(error._tag).toBe("ServiceBusEntityMissing")
      expect(error.message).toMatch(/topic no-such-topic .*MessagingEntityNotFound/)
      expect(error.message).toContain("deploy/service-bus.md")
    }).pipe(Effect.scoped))

  it.live("the broker refuses to start without one of its subscriptions, naming it; its events would be dropped", () =>
    Effect.gen(function* () {
      const fake = yield* partialNamespace
      const error = yield* Layer.build(
        ServiceBusEventBroker.layer({
          subscriptions: [conversation, images],
          maxDeliveries: 3,
          topic: "bot-events",
          connectionString: Redacted.make(fake.connectionString)
        })
      ).pipe(Effect.flip)
      expect(error._tag).toBe("ServiceBusEntityMissing")
      expect(error.message).toMatch(/subscription bot-events\/Subscriptions\/images .*MessagingEntityNotFound/)
      expect(error.message).not.toContain("Subscriptions/conversation")
    }).pipe(Effect.scoped))
})
