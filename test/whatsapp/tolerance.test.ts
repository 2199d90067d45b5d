import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { readWebhook } from "../../contracts/whatsapp/readWebhook.js"

const secret = "my card is 4111 1111 1111 1111"

const text = (id: string, body: string, timestamp = "1749416383") => ({ from: "16505551234", id, timestamp, type: "text", text: { body } })

const body = JSON.stringify({
  object: "whatsapp_business_account",
  entry: [
    { id: "WABA", changes: "not an array" },
    {
      id: "WABA",
      changes: [
        { field: "account_update", value: { anything: secret } },
        {
          field: "messages",
          value: {
            messaging_product: "whatsapp",
            metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
            contacts: [{ profile: { name: `Zo\u0000ë ${secret}` }, wa_id: "16505551234" }, { wa_id: 5 }],
            messages: [
              text("wamid.bad\u0000id", secret),
              text("wamid.good", `${secret}\ud800`),
              text("wamid.late", secret, "10000000000000000")
            ],
            statuses: [{ id: "wamid.sent", status: "failed", timestamp: "1749416383", errors: [{ title: secret }] }],
            errors: [{ message: secret }]
          }
        },
        { field: "messages", value: { messaging_product: "whatsapp", metadata: { phone_number_id: "\u0000" } } }
      ]
    }
  ]
})

describe("readWebhook: each element on its own", () => {
  it("keeps what it can read, in Meta's order, with text made storable", () => {
    const webhook = Either.getOrThrow(readWebhook(body))
    expect(webhook.events.map((event) => event._tag)).toEqual(["WebhookProblem", "Text", "DeliveryStatus"])
    const [problem, message, status] = webhook.events
    expect(problem).toMatchObject({ title: secret })
    expect(problem).not.toHaveProperty("code")
    expect(message).toMatchObject({ messageId: "wamid.good", body: `${secret}\ufffd`, sender: { profileName: `Zo\ufffdë ${secret}` } })
    expect(status).toMatchObject({ messageId: "wamid.sent", status: "failed", errors: [{ title: secret }] })
  })

  it("lists what it left out by position and field, never by content", () => {
    const { unreadable } = Either.getOrThrow(readWebhook(body))
    const value = "entry[1].changes[1].value"
    expect(unreadable.map((element) => element.position)).toEqual([
      "entry[0]",
      `${value}.contacts[1]`,
      `${value}.messages[0]`,
      `${value}.messages[2]`,
      "entry[1].changes[2].value"
    ])
    expect(unreadable.find((element) => element.position === `${value}.messages[2]`)?.field).toBe("timestamp")
    expect(JSON.stringify(unreadable)).not.toContain("4111")
  })

  it("refuses a body that is not a WhatsApp webhook at all", () => {
    for (const notAWebhook of ["{not json", JSON.stringify({ object: "page", entry: [] }), JSON.stringify({ object: "whatsapp_business_account", entry: "x" })]) {
      expect(Either.isLeft(readWebhook(notAWebhook))).toBe(true)
    }
  })
})
