import { HttpClient, HttpClientResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Clock, Context, Duration, Effect, Fiber, Layer, TestClock } from "effect"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { Messenger } from "../../application/ports/Messenger.js"
import { RateBudgets } from "../../application/ports/RateBudgets.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { whatsAppCloudTestSettings } from "../support/whatsAppCloudSettings.js"

const settings = whatsAppCloudTestSettings({})

/** The Graph API answering every call at once, noting when (by the test's clock) each came. */
const graphAt = (calledAt: Array<number>) =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        calledAt.push(now)
        return HttpClientResponse.fromWeb(
          request,
          Response.json({ messaging_product: "whatsapp", contacts: [{ input: "972500000001", wa_id: "972500000001" }], messages: [{ id: "wamid.1" }] })
        )
      })
    )
  )

/** The shared budget as storage answers it: a round trip of `roundTrip`, then the slot `slotAfter` the moment asked about. */
const budgetAnswering = (roundTrip: Duration.DurationInput, slotAfter: Duration.DurationInput) =>
  Layer.succeed(RateBudgets, { reserve: () => Effect.as(Effect.sleep(roundTrip), Duration.decode(slotAfter)) })

describe("a send waiting for its slot in the number's shared budget", () => {
  it.scoped("goes when its slot starts, the reservation's round trip counted in the wait", () =>
    Effect.gen(function* () {
      const calledAt: Array<number> = []
      const context = yield* Layer.build(
        WhatsAppCloud.layer(settings).pipe(Layer.provide(graphAt(calledAt)), Layer.provide(budgetAnswering("20 millis", "30 millis")))
      )
      const sending = yield* Effect.fork(
        Context.get(context, Messenger).send({ waId: "972500000001" }, OutgoingMessage.Text({ body: "hello" }))
      )
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(sending)
      // The slot starts 30 ms after the send asked for it, whatever part of that the round trip took.
      expect(calledAt).toEqual([30])
    }))
})
