import { createHmac } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Redacted } from "effect"
import fc from "fast-check"
import { InMemoryDatabase, type Tables } from "../../adapters/memory/InMemoryDatabase.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { HarnessBot, harnessBot } from "../../testing/HarnessBot.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"
import { messagesWebhook } from "../support/textMessageWebhook.js"

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

/** Any UTF-16 code unit: NUL and unpaired surrogates included, which no Postgres text can hold. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit))
const hostileString = fc.oneof(
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("\u0000", "a\u0000b", "\ud800", "\udfff", "x".repeat(300), "%00")
)

const query = fc.oneof(
  fc.webQueryParameters(),
  fc.record({ order: hostileString, token: hostileString }).map((params) => new URLSearchParams(params).toString()),
  fc.constantFrom("order=%00&token=x", "order=%ED%A0%80&token=x", "order=x&token=%00", "order=%FF&token=%FE"),
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
  .record({
    type: fc.constantFrom("payment.succeeded", "checkout.session.completed", "x"),
    orderId: fc.oneof(fc.string(), hostileString),
    amountMinor: fc.oneof(fc.integer(), fc.constantFrom(2 ** 31, Number.MAX_SAFE_INTEGER, 1e308, -1)),
    currency: fc.string({ maxLength: 4 })
  })
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


/** Amounts around and far beyond what a payment can be. */
const amount = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 53, 1e308, -1, 0.5))
const paidAt = fc.oneof(
  fc.constant(new Date().toISOString()),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((date) => date.toISOString()),
  hostileString
)

/** Our payment event, signed, with any of its fields out of range. */
const signedPaymentBody = fc
  .record({ id: fc.oneof(fc.uuid(), hostileString), order_id: fc.oneof(fc.uuid(), hostileString), amount, currency: fc.constantFrom("USD", "usd", "ILS"), status: fc.constantFrom("paid", "unpaid", "failed"), paid_at: paidAt })
  .map((event) => JSON.stringify(event))

/** Unix seconds Meta could send, and ones no message has. */
const timestamp = fc.oneof(
  fc.constant(String(Math.floor(Date.now() / 1000))),
  fc.constantFrom("10000000000000000", "0", "253402300800", "99999999999999999999", ""),
  fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String)
)

/** A message element with hostile strings where a person's text, name or an id goes. */
const hostileMessage = fc.record({
  from: fc.oneof(fc.constant("16505550300"), hostileString),
  id: fc.oneof(fc.uuid().map((uuid) => `wamid.${uuid}`), hostileString),
  timestamp,
  type: fc.constantFrom("text", "image", "reaction", "interactive"),
  text: fc.record({ body: hostileString }),
  image: fc.record({ id: hostileString, mime_type: hostileString, caption: hostileString }),
  reaction: fc.record({ message_id: hostileString, emoji: hostileString }),
  interactive: fc.record({ type: fc.constant("button_reply"), button_reply: fc.record({ id: hostileString, title: hostileString }) })
})

const hostileStatus = fc.record({
  id: fc.oneof(fc.uuid(), hostileString),
  status: fc.constantFrom("sent", "delivered", "read", "failed", "deleted"),
  timestamp,
  recipient_id: hostileString,
  errors: fc.array(fc.record({ code: fc.oneof(fc.integer(), fc.constantFrom(1e308, 2 ** 40)), title: hostileString }, { requiredKeys: ["title"] }), { maxLength: 2 })
})

const webhookOf = (elements: {
  readonly name: string
  readonly messages: ReadonlyArray<unknown>
  readonly statuses: ReadonlyArray<unknown>
}) =>
  JSON.stringify(
    messagesWebhook({
      contacts: [{ profile: { name: elements.name }, wa_id: "16505550300" }],
      messages: elements.messages,
      statuses: elements.statuses
    })
  )

const signPayment = (secret: string, body: string) => {
  const t = Math.floor(Date.now() / 1000)
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`
}

const reachable = await isReachable()

describe.runIf(reachable || inCi)("the HTTP endpoints on Postgres under values it cannot store", () => {
  const onPostgres = harnessBot({ storage: PgStorage.pipe(Layer.provideMerge(freshSchema("properties"))) })
  layer(onPostgres, { timeout: 120_000, excludeTestServices: true })("a running bot on Postgres", (it) => {
    it.effect(
      "a signed webhook is answered 200 whatever its elements hold, and its good message is stored",
      () =>
        Effect.gen(function* () {
          const { baseUrl } = yield* HarnessBot
          const graph = yield* FakeGraph
          const sql = yield* SqlClient
          const storedIds = (id: string) => Effect.runPromise(Effect.orDie(sql`SELECT 1 FROM inbound_messages WHERE wamid = ${id}`))
          yield* Effect.promise(() =>
            fc.assert(
              fc.asyncProperty(
                hostileString,
                fc.array(hostileMessage, { maxLength: 3 }),
                fc.array(hostileStatus, { maxLength: 2 }),
                async (name, messages, statuses) => {
                  const good = `wamid.${globalThis.crypto.randomUUID()}`
                  const goodMessage = { from: "16505550300", id: good, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "hi" } }
                  const body = webhookOf({ name, messages: [...messages, goodMessage], statuses })
                  const signature = `sha256=${createHmac("sha256", graph.appSecret).update(body).digest("hex")}`
                  const response = await fetch(`${baseUrl}/SmsReceived`, { method: "POST", headers: { "x-hub-signature-256": signature }, body })
                  const text = await response.text()
                  expect(response.status, text).toBe(200)
                  expect(await storedIds(good)).toHaveLength(1)
                }
              ),
              { numRuns: 60 }
            )
          )
        }),
      120_000
    )

    it.effect(
      "signed payments and unauthenticated callbacks with values out of range get a 4xx or a 200, never a 5xx",
      () =>
        Effect.gen(function* () {
          const { baseUrl } = yield* HarnessBot
          const secret = Redacted.value((yield* PaymentWebhookSettings).secret)
          yield* Effect.promise(() =>
            fc.assert(
              fc.asyncProperty(signedPaymentBody, async (body) => {
                const response = await fetch(`${baseUrl}/payment-received`, {
                  method: "POST",
                  headers: { "content-type": "application/json", "x-signature": signPayment(secret, body) },
                  body
                })
                await response.arrayBuffer()
                expect(response.status, body).toBeLessThan(500)
              }),
              { numRuns: 60 }
            )
          )
          yield* Effect.promise(() =>
            fc.assert(
              fc.asyncProperty(query, async (search) => {
                const response = await fetch(`${baseUrl}/pack-tune-received?${search}`, { method: "POST", body: "{}" })
                await response.arrayBuffer()
                expect(response.status, search).toBeGreaterThanOrEqual(400)
                expect(response.status, search).toBeLessThan(500)
              }),
              { numRuns: 60 }
            )
          )
        }),
      120_000
    )
  })
})
