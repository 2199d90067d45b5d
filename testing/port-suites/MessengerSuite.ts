import { expect, layer } from "@effect/vitest"
import type { Layer } from "effect"
import { Clock, Effect, Exit } from "effect"
import { Messenger, type Recipient } from "../../application/ports/Messenger.js"
import { MediaRef, OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { MessengerProbe } from "./Probes.js"

/**
 * The contract of the Messenger port, run against every adapter (in memory, and the real one
 * over HTTP against the fake Graph API). An adapter under test comes with a probe that reads what
 * each person received, so the suite checks effects, not just answers.
 */

export { MessengerProbe, type MessengerProbeService, type ReceivedByPerson, type SentKind } from "./Probes.js"

let sequence = 0
/** A person no other test has written to (`it.layer` shares one adapter across tests). */
export const freshPerson = (kind: "phone" | "user-id" | "both" = "phone"): Recipient => {
  sequence += 1
  const stamp = `${Date.now() % 1_000_000}${String(sequence).padStart(4, "0")}`
  const waId = `1555${stamp}`
  const userId = `US.9${stamp}`
  return kind === "phone" ? { waId } : kind === "user-id" ? { userId } : { waId, userId }
}

const everyKind = (reactTo: string): ReadonlyArray<OutgoingMessage> => [
  OutgoingMessage.Text({ body: "Welcome! Send me a selfie ☺ https://example.com/how" }),
  OutgoingMessage.Buttons({ body: "Ready?", buttons: [{ id: "ready", title: "I'm ready" }, { id: "examples", title: "Show me examples" }], header: "Photos", footer: "Step 1" }),
  OutgoingMessage.List({
    body: "What next?",
    buttonLabel: "Menu",
    sections: [{ title: "Start", rows: [{ id: "begin", title: "Let's begin", description: "Upload selfies" }, { id: "how", title: "How it works" }] }]
  }),
  OutgoingMessage.LinkButton({ body: "Your order is ready to pay", label: "Pay now", url: "https://pay.example.com/o/123" }),
  OutgoingMessage.Image({ media: MediaRef.Link({ url: "https://example.com/a.jpg" }), caption: "An example" }),
  OutgoingMessage.Video({ media: MediaRef.Link({ url: "https://example.com/a.mp4" }) }),
  OutgoingMessage.Document({ media: MediaRef.Link({ url: "https://example.com/terms.pdf" }), filename: "terms.pdf" }),
  OutgoingMessage.Reaction({ toMessageId: reactTo, emoji: "🤩" }),
  OutgoingMessage.Template({ name: "reengage", languageCode: "en", bodyParameters: ["Ana"] })
]

export const messengerSuite = <E>(name: string, adapter: Layer.Layer<Messenger | MessengerProbe, E>) =>
  layer(adapter, { excludeTestServices: true })(`Messenger contract: ${name}`, (it) => {
    it.effect("sends every kind of message and answers a distinct id for each", () =>
      Effect.gen(function* () {
        const messenger = yield* Messenger
        const probe = yield* MessengerProbe
        const person = freshPerson()
        const messages = everyKind("wamid.inbound.1")
        const ids = yield* Effect.forEach(messages, (message) => messenger.send(person, message))
        expect(new Set(ids).size).toBe(messages.length)
        const received = yield* probe.receivedBy(person)
        expect(received.map((item) => item.kind)).toEqual(messages.map((message) => message._tag))
        expect(received.map((item) => item.id)).toEqual(ids)
        expect(received[0]?.text).toBe("Welcome! Send me a selfie ☺ https://example.com/how")
        expect(received[7]?.text).toBe("🤩")
      }))

    it.effect("reaches a person known only by their business-scoped user id", () =>
      Effect.gen(function* () {
        const messenger = yield* Messenger
        const probe = yield* MessengerProbe
        const person = freshPerson("user-id")
        yield* messenger.send(person, OutgoingMessage.Text({ body: "hello" }))
        const received = yield* probe.receivedBy(person)
        expect(received.map((item) => item.text)).toEqual(["hello"])
      }))

    it.effect("a person known by both identities is one person", () =>
      Effect.gen(function* () {
        const messenger = yield* Messenger
        const probe = yield* MessengerProbe
        const person = freshPerson("both")
        yield* messenger.send(person, OutgoingMessage.Text({ body: "one" }))
        yield* messenger.send(person, OutgoingMessage.Text({ body: "two" }))
        const byPhone = yield* probe.receivedBy({ waId: person.waId ?? "" })
        expect(byPhone.map((item) => item.text)).toEqual(["one", "two"])
      }))

    it.effect("quotes the message it answers", () =>
      Effect.gen(function* () {
        const messenger = yield* Messenger
        const probe = yield* MessengerProbe
        const person = freshPerson()
        yield* messenger.send(person, OutgoingMessage.Text({ body: "got it" }), { replyTo: "wamid.inbound.42" })
        const received = yield* probe.receivedBy(person)
        expect(received[0]?.replyTo).toBe("wamid.inbound.42")
      }))

    it.effect("refuses a message over Meta's limits before sending anything", () =>
      Effect.gen(function* () {
        const messenger = yield* Messenger
        const probe = yield* MessengerProbe
        const person = freshPerson()
        const tooMany = OutgoingMessage.Buttons({
          body: "Pick",
          buttons: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, title: `Button ${n}` }))
        })
        const tooLong = OutgoingMessage.Buttons({ body: "Pick", buttons: [{ id: "a", title: "A title far beyond twenty" }] })
        const hugeText = OutgoingMessage.Text({ body: "x".repeat(4097) })
        const elevenRows = OutgoingMessage.List({
          body: "Pick",
          buttonLabel: "Menu",
          sections: [{ title: "All", rows: Array.from({ length: 11 }, (_, n) => ({ id: `r${n}`, title: `Row ${n}` })) }]
        })
        for (const message of [tooMany, tooLong, hugeText, elevenRows]) {
          const exit = yield* Effect.exit(messenger.send(person, message))
          expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error._tag : "sent").toBe("InvalidMessage")
        }
        expect(yield* probe.receivedBy(person)).toEqual([])
      }))

    it.effect("marks an inbound message read (with the typing indicator)", () =>
      Effect.gen(function* () {
        const messenger = yield* Messenger
        const probe = yield* MessengerProbe
        const id = `wamid.read.${freshPerson().waId}`
        yield* messenger.markRead(id)
        expect(yield* probe.readReceipts).toContain(id)
      }))

    it.effect("a reaction and two replies go out without waiting", () =>
      Effect.gen(function* () {
        const messenger = yield* Messenger
        const person = freshPerson()
        const start = yield* Clock.currentTimeMillis
        yield* messenger.send(person, OutgoingMessage.Reaction({ toMessageId: "wamid.photo.1", emoji: "🤩" }))
        yield* messenger.send(person, OutgoingMessage.Text({ body: "Great photo!" }))
        yield* messenger.send(person, OutgoingMessage.Text({ body: "3 more to go." }))
        expect((yield* Clock.currentTimeMillis) - start).toBeLessThan(1000)
      }))
  })
