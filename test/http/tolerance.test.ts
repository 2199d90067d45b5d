import { createHmac } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Redacted } from "effect"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { signBody } from "../../adapters/whatsapp-cloud/verifySignature.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { HarnessBot, harnessBot } from "../../testing/HarnessBot.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"
import { messagesWebhook } from "../support/textMessageWebhook.js"

const reachable = await isReachable()

/** One of the bodies' elements, as Meta would lay it out inside a `messages` change. */
interface Batch {
  readonly contacts?: ReadonlyArray<unknown>
  readonly messages?: ReadonlyArray<unknown>
  readonly statuses?: ReadonlyArray<unknown>
}

const waId = "16505550100"
const recentSeconds = () => String(Math.floor(Date.now() / 1000))

const textFrom = (id: string, body: string, overrides: Record<string, unknown> = {}) => ({
  from: waId,
  id,
  timestamp: recentSeconds(),
  type: "text",
  text: { body },
  ...overrides
})

const envelope = (batch: Batch) =>
  JSON.stringify(
    messagesWebhook({
      contacts: batch.contacts ?? [{ profile: { name: "Zoë" }, wa_id: waId }],
      ...(batch.messages === undefined ? {} : { messages: batch.messages }),
      ...(batch.statuses === undefined ? {} : { statuses: batch.statuses })
    })
  )

const post = (path: string, body: string, headers: Record<string, string>) =>
  Effect.flatMap(HarnessBot, ({ baseUrl }) =>
    Effect.promise(async () => {
      const response = await fetch(`${baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body })
      return { status: response.status, text: await response.text() }
    })
  )

const postWebhook = (body: string) =>
  Effect.flatMap(FakeGraph, (graph) => post("/SmsReceived", body, { "x-hub-signature-256": signBody(graph.appSecret, body) }))

const wamid = () => `wamid.${globalThis.crypto.randomUUID()}`

/** The stored messages with these ids: id and the text as the payload keeps it. */
const stored = (ids: ReadonlyArray<string>) =>
  Effect.flatMap(SqlClient, (sql) =>
    sql<{ readonly wamid: string; readonly body: string | null }>`
      SELECT wamid, payload->>'body' AS body FROM inbound_messages WHERE wamid IN ${sql.in(ids)} ORDER BY wamid`
  ).pipe(Effect.orDie)

const signPayment = (secret: string, body: string) => {
  const timestamp = Math.floor(Date.now() / 1000)
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`
}

const postPayment = (fields: Record<string, unknown>) =>
  Effect.gen(function* () {
    const settings = yield* PaymentWebhookSettings
    const body = JSON.stringify({
      id: `pay_${globalThis.crypto.randomUUID()}`,
      order_id: globalThis.crypto.randomUUID(),
      amount: 1290,
      currency: "USD",
      status: "paid",
      paid_at: new Date().toISOString(),
      ...fields
    })
    return yield* post("/payment-received", body, { "x-signature": signPayment(Redacted.value(settings.secret), body) })
  })

const onPostgres = harnessBot({ storage: PgStorage.pipe(Layer.provideMerge(freshSchema("tolerance"))) })

describe.runIf(reachable || inCi)("bad input on real Postgres: never a 500, never a lost batch", () => {
  layer(onPostgres, { timeout: 60_000, excludeTestServices: true })("a running bot", (it) => {
    it.effect("a text with NUL or a lone surrogate is stored with U+FFFD in their place, with the rest of the batch", () =>
      Effect.gen(function* () {
        const [nul, surrogate, good] = [wamid(), wamid(), wamid()]
        const answer = yield* postWebhook(
          envelope({
            messages: [textFrom(nul, "before\u0000after"), textFrom(surrogate, "half \ud83d of a smile"), textFrom(good, "hello")]
          })
        )
        expect(answer.status, answer.text).toBe(200)
        expect(yield* stored([nul, surrogate, good])).toEqual(
          [
            { wamid: nul, body: "before\ufffdafter" },
            { wamid: surrogate, body: "half \ufffd of a smile" },
            { wamid: good, body: "hello" }
          ].sort((a, b) => a.wamid.localeCompare(b.wamid))
        )
      }))

    it.effect("a NUL in the sender's name is replaced; the message is stored", () =>
      Effect.gen(function* () {
        const id = wamid()
        const answer = yield* postWebhook(
          envelope({ contacts: [{ profile: { name: "Zo\u0000ë" }, wa_id: waId }], messages: [textFrom(id, "hi")] })
        )
        expect(answer.status, answer.text).toBe(200)
        expect(yield* stored([id])).toEqual([{ wamid: id, body: "hi" }])
      }))

    it.effect("a message whose id has a NUL, or whose timestamp is out of range, is refused; the others are stored", () =>
      Effect.gen(function* () {
        const [badId, farFuture, good] = [`${wamid()}\u0000x`, wamid(), wamid()]
        const answer = yield* postWebhook(
          envelope({
            messages: [
              textFrom(badId, "nul in the id"),
              textFrom(farFuture, "from the year 300 million", { timestamp: "10000000000000000" }),
              textFrom(good, "still here")
            ]
          })
        )
        expect(answer.status, answer.text).toBe(200)
        // The id with a NUL cannot even be looked up; its text tells whether it was stored.
        expect(yield* stored([farFuture, good])).toEqual([{ wamid: good, body: "still here" }])
        const withBadId = yield* Effect.flatMap(SqlClient, (sql) =>
          sql`SELECT 1 FROM inbound_messages WHERE payload->>'body' = 'nul in the id'`
        ).pipe(Effect.orDie)
        expect(withBadId).toHaveLength(0)
      }))

    it.effect("a message stamped far ahead is kept in the history as received now, so retention still deletes it", () =>
      Effect.gen(function* () {
        const id = wamid()
        const answer = yield* postWebhook(envelope({ messages: [textFrom(id, "from the future", { timestamp: "253402300799" })] }))
        expect(answer.status, answer.text).toBe(200)
        const rows = yield* Effect.flatMap(SqlClient, (sql) =>
          sql<{ readonly now: boolean }>`SELECT received_at <= now() AS now FROM inbound_messages WHERE wamid = ${id}`
        ).pipe(Effect.orDie)
        expect(rows).toEqual([{ now: true }])
      }))

    it.effect("a failed status whose error has no code is taken (Meta's schema makes it optional), one with a code beyond any is left out", () =>
      Effect.gen(function* () {
        const good = wamid()
        const answer = yield* postWebhook(
          envelope({
            messages: [textFrom(good, "with a status")],
            statuses: [
              {
                id: wamid(),
                status: "failed",
                timestamp: recentSeconds(),
                recipient_id: waId,
                errors: [{ title: "Message failed to send" }]
              },
              {
                id: wamid(),
                status: "failed",
                timestamp: recentSeconds(),
                recipient_id: waId,
                errors: [{ code: 2 ** 40, title: "A code no 32-bit column holds" }]
              }
            ]
          })
        )
        expect(answer.status, answer.text).toBe(200)
        expect(yield* stored([good])).toEqual([{ wamid: good, body: "with a status" }])
      }))

    it.effect("an unauthenticated Astria callback with NUL bytes in its query is refused with a 4xx", () =>
      Effect.gen(function* () {
        for (const query of ["order=%00&token=x", `order=${globalThis.crypto.randomUUID()}%00&token=x`, "order=x&token=%00", "order=%ED%A0%80&token=x"]) {
          const answer = yield* post(`/pack-tune-received?${query}`, "{}", {})
          expect(answer.status, query).toBeGreaterThanOrEqual(400)
          expect(answer.status, query).toBeLessThan(500)
        }
      }))

    it.effect("a signed payment with an amount, id or time out of range is refused with a 4xx", () =>
      Effect.gen(function* () {
        const cases: ReadonlyArray<Record<string, unknown>> = [
          { amount: 2 ** 31 },
          { amount: Number.MAX_SAFE_INTEGER },
          { order_id: "order\u0000" },
          { id: "pay\u0000" },
          { paid_at: "-271821-04-20T00:00:00Z" }
        ]
        for (const fields of cases) {
          const answer = yield* postPayment(fields)
          expect(answer.status, JSON.stringify(fields)).toBe(400)
        }
      }))
  })
})
