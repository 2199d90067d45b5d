import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { fromGraphError } from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { InMemoryMessages, InMemoryWhatsAppLive } from "../../adapters/memory/InMemoryMessenger.js"
import { InvalidMessage, Messenger, RateLimited } from "../../application/ports/Messenger.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"

describe("in-memory messenger controls", () => {
  it.effect("failNext and the 24 h window let application tests play Meta's refusals", () =>
    Effect.gen(function* () {
      const messenger = yield* Messenger
      const control = yield* InMemoryMessages
      const ana = { waId: "16505550001", userId: "US.1" }
      yield* control.failNext(new RateLimited({ code: 130429, message: "storm" }), { times: 2, recipient: { userId: "US.1" } })
      expect((yield* Effect.flip(messenger.send(ana, OutgoingMessage.Text({ body: "a" }))))._tag).toBe("RateLimited")
      expect((yield* Effect.flip(messenger.send(ana, OutgoingMessage.Text({ body: "b" }))))._tag).toBe("RateLimited")
      yield* messenger.send(ana, OutgoingMessage.Text({ body: "c" }))

      yield* control.closeWindow({ waId: "16505550001" })
      expect((yield* Effect.flip(messenger.send(ana, OutgoingMessage.Text({ body: "d" }))))._tag).toBe("OutsideCustomerServiceWindow")
      yield* messenger.send(ana, OutgoingMessage.Template({ name: "reengage", languageCode: "he", bodyParameters: [] }))
      yield* control.openWindow(ana)
      yield* messenger.send(ana, OutgoingMessage.Text({ body: "e" }))

      const received = yield* control.sentTo({ userId: "US.1" })
      expect(received.map((sent) => (sent.message._tag === "Text" ? sent.message.body : sent.message._tag))).toEqual(["c", "Template", "e"])
    }).pipe(Effect.provide(InMemoryWhatsAppLive)))
})

describe("typed errors", () => {
  it("InvalidMessage explains every violation", () => {
    const error = new InvalidMessage({ violations: [{ path: "buttons", rule: "between 1 and 3, got 4" }, { path: "body", rule: "must not be empty" }] })
    expect(error.message).toBe("buttons: between 1 and 3, got 4; body: must not be empty")
  })

  it("Graph errors map by code, whatever the HTTP status was", () => {
    const tag = (code: number) => fromGraphError({ message: "x", code })._tag
    expect([4, 80007, 130429, 131048].map(tag)).toEqual(["RateLimited", "RateLimited", "RateLimited", "RateLimited"])
    expect(tag(131056)).toBe("PairRateLimited")
    expect(tag(131047)).toBe("OutsideCustomerServiceWindow")
    expect(tag(131026)).toBe("Undeliverable")
    expect(tag(190)).toBe("AuthenticationFailed")
    expect(tag(100)).toBe("InvalidParameter")
    expect(tag(131000)).toBe("MessengerUnavailable")
    expect(tag(132000)).toBe("MessageRejected")
    expect(fromGraphError({ message: "(#100) Invalid parameter", code: 100, error_data: { details: "to is required" } })).toMatchObject({
      details: "to is required"
    })
  })
})
