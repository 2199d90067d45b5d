import { createHmac } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { InMemoryDatabase, type Tables } from "../../adapters/memory/InMemoryDatabase.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { HarnessBot, harnessBot } from "../../testing/HarnessBot.js"

const bot = harnessBot({ storage: InMemoryStorage })

/** Every table a request could write to (the pack catalogue is synced by a timer of its own). */
const rowCounts = (t: Tables) => ({
  users: t.users.size,
  inbound: t.inbound.size,
  outbound: t.outbound.size,
  photos: t.photos.size,
  orders: t.orders.size,
  tunes: t.tunes.size,
  deliveries: t.deliveries.size,
  payments: t.payments.size,
  ratings: t.ratings.length,
  feedback: t.feedback.size,
  outbox: t.outbox.size,
  inbox: t.inbox.size
})

const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((name) => !["host", "content-length", "transfer-encoding", "connection", "expect", "upgrade", "keep-alive", "te", "trailer"].includes(name))
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,80}$/).map((value) => value.trim())
const hex = fc.stringMatching(/^[0-9a-f]{0,64}$/)

/** Arbitrary headers, with the ones the endpoints read (signatures, content type) often present and wrong. */
const headers = fc
  .record(
    {
      extra: fc.dictionary(headerName, headerValue, { maxKeys: 4 }),
      contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-8", ""),
      hub: hex.map((h) => `sha256=${h}`),
      signature: fc.tuple(fc.integer({ min: 0, max: 2_000_000_000 }), hex).map(([t, v]) => `t=${t},v1=${v}`)
    },
    { requiredKeys: ["extra", "contentType"] }
  )
  .map(({ extra, contentType, hub, signature }) => ({
    ...extra,
    ...(contentType === "" ? {} : { "content-type": contentType }),
    ...(hub === undefined ? {} : { "x-hub-signature-256": hub }),
    ...(signature === undefined ? {} : { "x-signature": signature, "stripe-signature": signature })
  }))

const query = fc.oneof(
  fc.webQueryParameters(),
  fc.record({ mode: fc.string(), token: fc.string(), challenge: fc.string() }).map(
    ({ mode, token, challenge }) => new URLSearchParams({ "hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge }).toString()
  ),
  fc.record({ order: fc.oneof(fc.uuid(), fc.string()), token: fc.string() }).map((params) => new URLSearchParams(params).toString())
)

/** Bodies: noise, any JSON, and shapes close to what each endpoint takes. */
const body = (nearlyValid: fc.Arbitrary<string>) =>
  fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 }), fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString("latin1")), nearlyValid)

const astriaCallback = fc.oneof(
  fc.record({ tune: fc.record({ id: fc.integer(), title: fc.string(), trained_at: fc.option(fc.date().map((d) => (Number.isNaN(d.getTime()) ? null : d.toISOString()))) }) }),
  fc.record({ prompt: fc.record({ id: fc.integer(), tune_id: fc.integer(), images: fc.array(fc.webUrl(), { maxLength: 3 }) }) })
).map((value) => JSON.stringify(value))

const paymentEvent = fc
  .record({ type: fc.constantFrom("payment.succeeded", "checkout.session.completed", "x"), orderId: fc.string(), amountMinor: fc.integer(), currency: fc.string({ maxLength: 4 }) })
  .map((value) => JSON.stringify(value))

describe("every HTTP endpoint under arbitrary requests", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("a running bot in memory", (it) => {
    it.effect(
      "never answers 5xx, never crashes, and changes nothing without a valid signature or token",
      () =>
        Effect.gen(function* () {
          const { baseUrl } = yield* HarnessBot
          const db = yield* InMemoryDatabase
          const graph = yield* FakeGraph
          yield* graph.addUser({ waId: "972504500001" })
          const { envelope } = yield* graph.envelopeOf([{ who: { waId: "972504500001" }, message: { type: "text", text: { body: "hi" } } }], "messages")
          const whatsappEnvelope = fc.constant(JSON.stringify(envelope))
          const counts = yield* db.run(rowCounts)
          const countsNow = () => Effect.runPromise(db.run(rowCounts))

          const endpoints = [
            { method: "GET", path: "/SmsReceived", body: fc.constant(undefined) },
            { method: "POST", path: "/SmsReceived", body: body(whatsappEnvelope) },
            { method: "POST", path: "/pack-tune-received", body: body(astriaCallback) },
            { method: "POST", path: "/payment-received", body: body(paymentEvent) },
            { method: "GET", path: "/health", body: fc.constant(undefined) },
            { method: "GET", path: "/ready", body: fc.constant(undefined) },
            { method: "GET", path: "/docs", body: fc.constant(undefined) }
          ] as const

          for (const endpoint of endpoints) {
            yield* Effect.promise(() =>
              fc.assert(
                fc.asyncProperty(query, headers, endpoint.body, async (search, requestHeaders, requestBody) => {
                  const response = await fetch(`${baseUrl}${endpoint.path}?${search}`, {
                    method: endpoint.method,
                    headers: requestHeaders,
                    ...(requestBody === undefined ? {} : { body: requestBody })
                  })
                  await response.arrayBuffer()
                  expect(response.status, `${endpoint.method} ${endpoint.path}?${search}`).toBeLessThan(500)
                  expect(await countsNow()).toEqual(counts)
                }),
                { numRuns: 120 }
              )
            )
          }

          // The bot is still up, and the counting can see a change: the same envelope, signed, is stored.
          expect((yield* Effect.promise(() => fetch(`${baseUrl}/health`))).status).toBe(200)
          const raw = JSON.stringify(envelope)
          const signed = yield* Effect.promise(() =>
            fetch(`${baseUrl}/SmsReceived`, {
              method: "POST",
              headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${createHmac("sha256", graph.appSecret).update(raw).digest("hex")}` },
              body: raw
            })
          )
          expect(signed.status).toBe(200)
          expect((yield* db.run(rowCounts)).inbound).toBe(counts.inbound + 1)
        }),
      60_000
    )
  })
})

