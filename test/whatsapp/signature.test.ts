import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { signBody, verifyHandshake, verifySignature } from "../../adapters/whatsapp-cloud/verifySignature.js"
import { decodeWebhook } from "../../contracts/whatsapp/Webhook.js"
import { normalizeWebhook } from "../../contracts/whatsapp/InboundEvent.js"
import { metaJson, metaSignature } from "../../testing/fakes/graph-api/metaJson.js"
import { makeFakeGraphApi } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { makeWebhookReceiver } from "./webhookReceiver.js"

const secret = "app-secret-for-tests"
const bytes = (text: string) => new TextEncoder().encode(text)

const envelope = {
  object: "whatsapp_business_account",
  entry: [
    {
      id: "102290129340398",
      changes: [
        {
          field: "messages",
          value: {
            messaging_product: "whatsapp",
            metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
            contacts: [{ profile: { name: "José Müller" }, wa_id: "16505551234", user_id: "US.13491208655302741918" }],
            messages: [
              { from: "16505551234", id: "wamid.sig.1", timestamp: "1749416383", type: "text", text: { body: "Café? see https://example.com/a/b 😀" } }
            ]
          }
        }
      ]
    }
  ]
}

describe("webhook signature", () => {
  it("Meta's escaping: `\\/` and lowercase \\uXXXX, surrogate pairs included", () => {
    const raw = metaJson({ a: "https://x.y/é😀" })
    expect(raw).toBe('{"a":"https:\\/\\/x.y\\/\\u00e9\\ud83d\\ude00"}')
    expect(JSON.parse(raw)).toEqual({ a: "https://x.y/é😀" })
  })

  it("a body with `/` and accented letters, escaped as Meta does, passes over its raw bytes", () => {
    const raw = metaJson(envelope)
    expect(raw).toContain("\\/")
    expect(raw).toContain("\\u00e9")
    const header = metaSignature(secret, raw)
    expect(verifySignature(Redacted.make(secret), bytes(raw), header)._tag).toBe("Valid")
    // Re-serializing the parsed body gives other bytes: a check over those would reject Meta's webhook.
    const reserialized = JSON.stringify(JSON.parse(raw))
    expect(reserialized).not.toBe(raw)
    expect(verifySignature(Redacted.make(secret), bytes(reserialized), header)._tag).toBe("Mismatch")
  })

  it("refuses a wrong secret, a tampered body, a missing or malformed header", () => {
    const raw = bytes(metaJson(envelope))
    const header = metaSignature(secret, raw)
    expect(verifySignature(Redacted.make("other"), raw, header)._tag).toBe("Mismatch")
    const tampered = Uint8Array.from(raw)
    tampered[10] = (tampered[10] ?? 0) ^ 1
    expect(verifySignature(Redacted.make(secret), tampered, header)._tag).toBe("Mismatch")
    expect(verifySignature(Redacted.make(secret), raw, undefined)._tag).toBe("Missing")
    expect(verifySignature(Redacted.make(secret), raw, "sha1=abc")._tag).toBe("Malformed")
    expect(verifySignature(Redacted.make(secret), raw, header.toUpperCase().replace("SHA256", "sha256"))._tag).toBe("Valid")
    expect(signBody(secret, raw)).toBe(header)
  })

  it.scoped("the fake posts signed webhooks that a raw-bytes receiver accepts, and decodes to the same text", () =>
    Effect.gen(function* () {
      const receiver = yield* makeWebhookReceiver(secret)
      const fake = yield* makeFakeGraphApi({ appSecret: secret, webhookUrl: receiver.url })
      const user = yield* fake.addUser({ waId: "16505550001", name: "Zoë Ångström" })
      const { statuses } = yield* fake.userSends(user, { type: "text", text: { body: "Olá / ¿qué tal? ✨" } })
      expect(statuses).toEqual([200])
      const delivery = receiver.received[0]
      expect(delivery?.signature._tag).toBe("Valid")
      const raw = delivery?.raw.toString("utf8") ?? ""
      expect(raw).toContain("\\u00c5")
      const events = normalizeWebhook(yield* decodeWebhook(delivery?.raw ?? new Uint8Array()))
      expect(events).toMatchObject([{ _tag: "Text", body: "Olá / ¿qué tal? ✨", sender: { waId: "16505550001", profileName: "Zoë Ångström" } }])
      const refused = yield* fake.postRaw(raw, { signature: "invalid" })
      expect(refused).toEqual([401])
    }))
})

describe("verification handshake", () => {
  const token = Redacted.make("verify-me")
  it("echoes the challenge for subscribe and our token", () => {
    expect(verifyHandshake(token, { mode: "subscribe", token: "verify-me", challenge: "1158201444" })).toEqual({
      _tag: "Accepted",
      challenge: "1158201444"
    })
  })
  it("refuses another mode, a wrong or missing token, a missing challenge", () => {
    expect(verifyHandshake(token, { mode: "unsubscribe", token: "verify-me", challenge: "1" })._tag).toBe("Refused")
    expect(verifyHandshake(token, { mode: "subscribe", token: "verify-m3", challenge: "1" })).toMatchObject({ reason: "wrong_token" })
    expect(verifyHandshake(token, { mode: "subscribe", challenge: "1" })).toMatchObject({ reason: "wrong_token" })
    expect(verifyHandshake(token, { mode: "subscribe", token: "verify-me" })).toMatchObject({ reason: "missing_challenge" })
  })
})
