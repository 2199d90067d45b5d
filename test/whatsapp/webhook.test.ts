import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { normalizeWebhook, statusAdvances } from "../../contracts/whatsapp/InboundEvent.js"
import { decodeWebhook } from "../../contracts/whatsapp/Webhook.js"
import { metaJson } from "../../testing/fakes/graph-api/metaJson.js"

const metadata = { display_phone_number: "15550783881", phone_number_id: "106540352242922" }
const ana = { profile: { name: "Ana" }, wa_id: "16505550001", user_id: "US.1001" }
const hidden = { profile: { name: "Hidden", username: "@hidden" }, user_id: "US.2002" }
const base = (n: number, from: "ana" | "hidden" = "ana") => ({
  ...(from === "ana" ? { from: "16505550001", from_user_id: "US.1001" } : { from_user_id: "US.2002" }),
  id: `wamid.batch.${n}`,
  timestamp: "1749416383"
})
const media = { id: "1234567890", mime_type: "image/jpeg", sha256: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }

/** Two entries, several changes and many messages in one POST, as a correct receiver must accept. */
const batched = {
  object: "whatsapp_business_account",
  entry: [
    {
      id: "WABA1",
      changes: [
        {
          field: "messages",
          value: {
            messaging_product: "whatsapp",
            metadata,
            contacts: [ana, hidden],
            messages: [
              { ...base(1), type: "text", text: { body: "hi" } },
              { ...base(2), type: "image", image: { ...media, caption: "me" } },
              { ...base(3), type: "document", document: { ...media, mime_type: "image/heic", filename: "IMG_1.HEIC" } },
              { ...base(4), type: "document", document: { ...media, mime_type: "application/pdf", filename: "cv.pdf" } },
              { ...base(5), type: "interactive", context: { from: "15550783881", id: "wamid.ours.1" }, interactive: { type: "button_reply", button_reply: { id: "ready", title: "I'm ready" } } },
              { ...base(6), type: "interactive", interactive: { type: "list_reply", list_reply: { id: "begin", title: "Let's begin", description: "Upload" } } },
              { ...base(7), type: "button", button: { payload: "reengage-yes", text: "Yes" } },
              { ...base(8, "hidden"), type: "reaction", reaction: { message_id: "wamid.ours.2", emoji: "👍" } },
              { ...base(9, "hidden"), type: "reaction", reaction: { message_id: "wamid.ours.2", emoji: "" } },
              { ...base(10), type: "location", location: { latitude: 32.08, longitude: 34.78, name: "Home" } },
              { ...base(11), type: "audio", audio: { ...media, mime_type: "audio/ogg", voice: true } },
              { ...base(12), type: "video", video: { ...media, mime_type: "video/mp4" } },
              { ...base(13), type: "sticker", sticker: { ...media, mime_type: "image/webp", animated: false } }
            ]
          }
        },
        {
          field: "messages",
          value: {
            messaging_product: "whatsapp",
            metadata,
            contacts: [ana],
            messages: [
              { ...base(14), type: "unsupported", errors: [{ code: 131051, title: "Message type unknown", error_data: { details: "poll" } }] },
              { ...base(15), type: "contacts", contacts: [{ name: { formatted_name: "Bob" }, phones: [{ phone: "+1 555", wa_id: "1555" }] }] },
              { ...base(16), type: "system", system: { body: "Ana changed from 16505550001 to 16505559999", new_wa_id: "16505559999", type: "user_changed_number" } },
              { ...base(17), type: "interactive", interactive: { type: "nfm_reply", nfm_reply: { response_json: "{}", name: "flow" } } },
              { ...base(18), type: "brand_new_type", brand_new_type: { whatever: true } },
              { ...base(19), type: "location", location: { latitude: "not a number" } }
            ]
          }
        }
      ]
    },
    {
      id: "WABA1",
      changes: [
        {
          field: "messages",
          value: {
            messaging_product: "whatsapp",
            metadata,
            statuses: [
              { id: "wamid.ours.1", status: "read", timestamp: "1749416390", recipient_id: "16505550001" },
              { id: "wamid.ours.1", status: "delivered", timestamp: "1749416389", recipient_id: "16505550001" },
              {
                id: "wamid.ours.3",
                status: "failed",
                timestamp: "1749416391",
                recipient_user_id: "US.2002",
                errors: [{ code: 131047, title: "Re-engagement message", error_data: { details: "24 hours" } }]
              },
              { id: "wamid.ours.4", status: "some_future_status", timestamp: "1749416392" }
            ]
          }
        },
        { field: "messages", value: { messaging_product: "whatsapp", metadata, errors: [{ code: 131000, title: "Something went wrong" }] } },
        { field: "message_template_status_update", value: { event: "APPROVED", message_template_id: 1 } }
      ]
    }
  ]
}

describe("normalizeWebhook", () => {
  it.effect("turns a batched envelope with every message type into one event each, in order", () =>
    Effect.gen(function* () {
      const events = normalizeWebhook(yield* decodeWebhook(new TextEncoder().encode(metaJson(batched))))
      expect(events.map((event) => event._tag)).toEqual([
        "Text", "Photo", "Photo", "Unsupported", "ButtonReply", "ListReply", "TemplateButton", "Reaction", "Reaction",
        "Location", "Unsupported", "Unsupported", "Unsupported",
        "Unsupported", "Unsupported", "NumberChanged", "Unsupported", "Unsupported", "Unsupported",
        "DeliveryStatus", "DeliveryStatus", "DeliveryStatus", "WebhookProblem"
      ])
      const [text, photo, heic, pdf, button, list, template, reaction, unreaction, location, audio] = events
      expect(text).toMatchObject({
        messageId: "wamid.batch.1",
        body: "hi",
        sender: { waId: "16505550001", userId: "US.1001", profileName: "Ana" },
        phoneNumberId: "106540352242922"
      })
      expect(text?._tag === "Text" && DateTime.toEpochMillis(text.timestamp)).toBe(1749416383000)
      expect(photo).toMatchObject({ mediaId: "1234567890", mimeType: "image/jpeg", caption: "me", sentAs: "image", sha256: media.sha256 })
      expect(heic).toMatchObject({ _tag: "Photo", mimeType: "image/heic", sentAs: "document", filename: "IMG_1.HEIC" })
      expect(pdf).toMatchObject({ _tag: "Unsupported", messageType: "document" })
      expect(button).toMatchObject({ buttonId: "ready", title: "I'm ready", replyTo: "wamid.ours.1" })
      expect(list).toMatchObject({ rowId: "begin", title: "Let's begin", description: "Upload" })
      expect(template).toMatchObject({ payload: "reengage-yes", text: "Yes" })
      expect(reaction).toMatchObject({ toMessageId: "wamid.ours.2", emoji: "👍", sender: { userId: "US.2002", username: "@hidden" } })
      expect(reaction?._tag === "Reaction" && reaction.sender.waId).toBe(undefined)
      expect(unreaction).not.toHaveProperty("emoji")
      expect(location).toMatchObject({ latitude: 32.08, longitude: 34.78, name: "Home" })
      expect(audio).toMatchObject({ messageType: "audio" })
      expect(events[13]).toMatchObject({ messageType: "unsupported", errorCode: 131051 })
      expect(events[15]).toMatchObject({ sender: { waId: "16505550001" }, newWaId: "16505559999" })
      expect(events[17]).toMatchObject({ messageType: "brand_new_type" })
      // A known type with a broken payload is still acknowledged, and answered politely.
      expect(events[18]).toMatchObject({ messageType: "location" })
      expect(events[21]).toMatchObject({
        _tag: "DeliveryStatus",
        messageId: "wamid.ours.3",
        status: "failed",
        recipient: { userId: "US.2002" },
        errors: [{ code: 131047, title: "Re-engagement message", details: "24 hours" }]
      })
      expect(events[22]).toMatchObject({ _tag: "WebhookProblem", code: 131000 })
    }))

  it("never moves a status backwards", () => {
    expect(statusAdvances(undefined, "sent")).toBe(true)
    expect(statusAdvances("read", "delivered")).toBe(false)
    expect(statusAdvances("sent", "read")).toBe(true)
    expect(statusAdvances("read", "failed")).toBe(true)
    expect(statusAdvances("failed", "read")).toBe(false)
  })
})

describe("decodeWebhook", () => {
  const decodeError = (body: Uint8Array | string) => Effect.flip(decodeWebhook(body))

  it.effect("fails with a typed WebhookDecodeError, never a defect", () =>
    Effect.gen(function* () {
      for (const body of [
        "not json",
        "{}",
        JSON.stringify({ object: "page", entry: [] }),
        JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "1", changes: [{ field: "messages", value: { messaging_product: "whatsapp" } }] }] }),
        JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "1", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata, messages: [{ id: "x", timestamp: "yesterday", type: "text", text: { body: "" } }] } }] }] }),
        Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])
      ]) {
        const error = yield* decodeError(body)
        expect(error._tag).toBe("WebhookDecodeError")
        expect(error.reason.length).toBeGreaterThan(0)
      }
    }))

  it.effect("accepts an envelope with no messages at all", () =>
    Effect.map(decodeWebhook(JSON.stringify({ object: "whatsapp_business_account", entry: [] })), (envelope) =>
      expect(normalizeWebhook(envelope)).toEqual([])
    ))
})
