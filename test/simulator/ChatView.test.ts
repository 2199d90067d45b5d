import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import type { SendMessageBody } from "../../contracts/whatsapp/Send.js"
import type { ReceivedMessage } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { chatView, Phone, type SentByPerson } from "../../testing/simulator/ChatView.js"

const person = { phone: Schema.decodeSync(Phone)("972501111111"), name: "Dana" }
const to = { messaging_product: "whatsapp", to: "972501111111" } as const

const bot = (id: string, at: number, body: SendMessageBody): ReceivedMessage => ({ id, at, body })
const photo: SentByPerson = { id: "wamid.photo", at: 1_000, kind: "image", text: "", mediaId: "1000000000000001", mimeType: "image/jpeg" }
const hello: SentByPerson = { id: "wamid.hello", at: 500, kind: "text", text: "hello" }

describe("the simulator's chat view", () => {
  it("puts the person's and the bot's messages in order, the person first on a tie", () => {
    const view = chatView({
      person,
      sent: [hello, photo],
      received: [
        bot("wamid.b1", 500, { ...to, type: "text", text: { body: "Hi!" } }),
        bot("wamid.b2", 2_000, { ...to, type: "image", image: { link: "https://example.com/a.jpg" } })
      ],
      receipts: [],
      now: 3_000
    })
    expect(view.items.map((item) => item.id)).toEqual(["wamid.hello", "wamid.b1", "wamid.photo", "wamid.b2"])
    expect(view.items[2]?.mediaSrc).toBe("/simulator/api/media/1000000000000001")
    expect(view.items[3]?.mediaSrc).toBe("https://example.com/a.jpg")
  })

  it("folds reactions onto their message, the latest winning and an empty emoji removing it", () => {
    const react = (id: string, at: number, emoji: string) => bot(id, at, { ...to, type: "reaction", reaction: { message_id: "wamid.photo", emoji } })
    const view = (received: ReadonlyArray<ReceivedMessage>) => chatView({ person, sent: [photo], received, receipts: [], now: 5_000 })

    expect(view([react("r1", 1_100, "❌"), react("r2", 1_200, "🤩")]).items).toEqual([expect.objectContaining({ id: "wamid.photo", reactions: ["🤩"] })])
    expect(view([react("r1", 1_100, "🤩"), react("r2", 1_200, "")]).items[0]?.reactions).toEqual([])
  })

  it("marks what the bot read, and shows it typing until it answers or 25 seconds pass", () => {
    const receipts = [{ messageId: "wamid.photo", typingIndicator: true }]
    const typing = chatView({ person, sent: [hello, photo], received: [], receipts, now: 2_000 })
    expect(typing.items.map((item) => item.read)).toEqual([false, true])
    expect(typing.typing).toBe(true)

    expect(chatView({ person, sent: [hello, photo], received: [], receipts, now: 27_000 }).typing).toBe(false)
    const answered = chatView({ person, sent: [photo], received: [bot("b", 1_500, { ...to, type: "text", text: { body: "Nice" } })], receipts, now: 2_000 })
    expect(answered.typing).toBe(false)
  })

  it("shows lists, link buttons and documents with what a phone shows of them", () => {
    const view = chatView({
      person,
      sent: [],
      received: [
        bot("list", 1, {
          ...to,
          type: "interactive",
          interactive: {
            type: "list",
            header: { type: "text", text: "Menu" },
            body: { text: "What next?" },
            action: { button: "Options", sections: [{ rows: [{ id: "done", title: "I'm done", description: "Choose a pack" }] }] }
          }
        }),
        bot("link", 2, {
          ...to,
          type: "interactive",
          interactive: { type: "cta_url", body: { text: "Pay" }, action: { name: "cta_url", parameters: { display_text: "Pay now", url: "http://127.0.0.1:1/checkout?order=1" } } }
        }),
        bot("doc", 3, { ...to, type: "document", document: { id: "42", filename: "terms.pdf" } })
      ],
      receipts: [],
      now: 10
    })
    expect(view.items).toEqual([
      expect.objectContaining({ kind: "list", header: "Menu", actionLabel: "Options", rows: [{ id: "done", title: "I'm done", description: "Choose a pack" }] }),
      expect.objectContaining({ kind: "link", actionLabel: "Pay now", url: "http://127.0.0.1:1/checkout?order=1" }),
      expect.objectContaining({ kind: "document", filename: "terms.pdf", mediaSrc: "/simulator/api/media/42" })
    ])
    expect(view.items[1]?.mediaSrc).toBeUndefined()
  })
})
