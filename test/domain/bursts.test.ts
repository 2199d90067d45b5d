import { describe, expect, it } from "@effect/vitest"
import { english } from "../../domain/catalogue/english.js"
import { hebrew } from "../../domain/catalogue/hebrew.js"
import { textMessage } from "../../domain/catalogue/messages.js"
import { answerInBurst, takenTogether, type Burst } from "../../domain/conversation/bursts.js"
import { Command } from "../../domain/conversation/Command.js"
import { Input } from "../../domain/conversation/Input.js"
import { OrderId, WhatsAppMessageId } from "../../domain/ids.js"
import type { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { sentTexts } from "./fixtures.js"

const messageId = WhatsAppMessageId.make("wamid.burst")
const prompt = textMessage("Send me your photos")
const languageChanged = textMessage("Language changed")
const decided: ReadonlyArray<Command> = [
  Command.MarkReadAndTyping({ messageId }),
  Command.StoreFeedback({ orderId: OrderId.make("order-1"), text: "lovely" }),
  Command.Send({ message: prompt }),
  Command.Send({ message: languageChanged })
]
const burst = (overrides: Partial<Burst>): Burst => ({
  overRate: false,
  toldToSlowDown: false,
  onItsWay: () => false,
  ...overrides
})
const isPrompt = (message: OutgoingMessage) => message._tag === "Text" && message.body === "Send me your photos"

describe("answering a burst of one person's texts", () => {
  it("leaves the decision alone when nothing is on its way and the person writes at an ordinary rate", () => {
    expect(answerInBurst(burst({}), "en", decided)).toEqual(decided)
  })

  it("does not repeat a reply already on its way, and keeps every other command", () => {
    const answered = answerInBurst(burst({ onItsWay: isPrompt }), "en", decided)
    expect(answered).toEqual(decided.filter((command) => !(command._tag === "Send" && isPrompt(command.message))))
  })

  it("over the rate, answers with the notice to slow down in the person's language instead of the replies", () => {
    const answered = answerInBurst(burst({ overRate: true }), "he", decided)
    expect(sentTexts(answered)).toEqual([hebrew.slowDown])
    expect(answered.filter((command) => command._tag !== "Send")).toEqual(decided.slice(0, 2))
    expect(sentTexts(answerInBurst(burst({ overRate: true }), "en", decided))).toEqual([english.slowDown])
  })

  it("tells a person to slow down once: told already, nothing is sent and the text is not marked read", () => {
    const answered = answerInBurst(burst({ overRate: true, toldToSlowDown: true }), "en", decided)
    expect(sentTexts(answered)).toEqual([])
    expect(answered).toEqual(decided.slice(1, 2))
  })

  it("takes together free texts and unreadable messages, never button or list replies or photos", () => {
    expect(takenTogether(Input.TextReceived({ messageId, text: "hi" }))).toBe(true)
    expect(takenTogether(Input.UnsupportedReceived({ messageId }))).toBe(true)
    expect(takenTogether(Input.ButtonReply({ messageId, id: "x" }))).toBe(false)
    expect(takenTogether(Input.ListReply({ messageId, id: "x" }))).toBe(false)
    expect(takenTogether(Input.PhotoReceived({ messageId }))).toBe(false)
  })
})
