import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, TestClock } from "effect"
import { InMemoryMessages, InMemoryWhatsAppLive } from "../../adapters/memory/InMemoryMessenger.js"
import { InMemoryMediaPreparer } from "../../adapters/memory/InMemoryMediaPreparer.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { ingestInboundEvents } from "../../application/messaging/ingestInboundEvents.js"
import { sendOutboundBatch } from "../../application/messaging/OutboundSender.js"
import { Messenger, MessengerUnavailable } from "../../application/ports/Messenger.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { ApplicationServicesLive } from "../../runtimes/composition/ApplicationServices.js"
import { PreviewRenewalLive } from "../../runtimes/composition/PackPreviews.js"
import { enqueueForNewPerson, intentOf, statusFromMeta } from "../support/outboundIntents.js"

const world = Layer.merge(ApplicationServicesLive, PreviewRenewalLive).pipe(
  Layer.provideMerge(Layer.mergeAll(InMemoryStorage, InMemoryWhatsAppLive, InMemoryMediaPreparer.layer({ links: {} })))
)

/** Meta takes every message, and its answer never reaches us in time. */
const answersTooLate = Effect.map(Messenger, (messenger) =>
  Messenger.of({
    ...messenger,
    send: (recipient, message, options) =>
      Effect.zipRight(messenger.send(recipient, message, options), Effect.fail(new MessengerUnavailable({ message: "WhatsApp did not answer in time" })))
  })
)

describe("a send whose answer timed out after Meta took it", () => {
  it.effect("is not sent again when its status, naming the claim it was sent under, comes back before the retry", () =>
    Effect.gen(function* () {
      const person = yield* enqueueForNewPerson(OutgoingMessage.Text({ body: "Welcome" }))
      const late = yield* answersTooLate
      expect(yield* sendOutboundBatch(10, "2 minutes").pipe(Effect.provideService(Messenger, late))).toBe(1)
      // For the sender it failed for now: it is due again after its back-off (2 s).
      expect((yield* intentOf(person))?.status).toBe("pending")
      const [sent, ...more] = yield* Effect.flatMap(InMemoryMessages, (messages) => messages.sentTo({ waId: person.waId }))
      expect(more).toEqual([])

      yield* TestClock.adjust("500 millis")
      const status = yield* statusFromMeta(sent!, "delivered", person.waId)
      yield* ingestInboundEvents([status])
      expect((yield* intentOf(person))?.status).toBe("delivered")

      yield* TestClock.adjust("5 minutes")
      expect(yield* sendOutboundBatch(10, "2 minutes")).toBe(0)
      expect(yield* Effect.flatMap(InMemoryMessages, (messages) => messages.sentTo({ waId: person.waId }))).toHaveLength(1)
    }).pipe(Effect.provide(world)))
})
