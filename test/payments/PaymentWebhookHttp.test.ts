import { createHmac } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import type { HttpServer } from "@effect/platform"
import type { OrderId } from "../../domain/ids.js"
import { Effect, Logger, LogLevel } from "effect"
import { ownEventBody, stripeEventBody } from "./support/bodies.js"
import { secret, unique } from "./support/fixtures.js"
import { intents, orderStatus, outboxEvents, payments, seedOrder, seedUser, setOutage } from "./support/memoryStore.js"
import type { MemoryStore } from "./support/memoryStore.js"
import { webhookServer, webhookUrl } from "./support/webhookServer.js"

type Kind = "ours" | "stripe"
const headerOf: Record<Kind, string> = { ours: "x-signature", stripe: "stripe-signature" }

const sign = (body: string, timestamp: number, withSecret = secret) =>
  `t=${timestamp},v1=${createHmac("sha256", withSecret).update(`${timestamp}.${body}`).digest("hex")}`

const nowSeconds = () => Math.floor(Date.now() / 1000)

const bodyFor = (kind: Kind, orderId: string, amount = 1290, id = unique(kind === "ours" ? "pay" : "evt")) =>
  JSON.stringify(kind === "ours" ? ownEventBody({ id, orderId, amount }) : stripeEventBody({ id, orderId, amount }))

const post = (body: string, headers: Record<string, string>) =>
  Effect.flatMap(webhookUrl, (url) =>
    Effect.promise(async () => {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body })
      return { status: response.status, text: await response.text() }
    })
  )

/** Runs `test` against a fresh store and a webhook server on a real socket, on the real clock. */
const withServer = <E>(test: Effect.Effect<void, E, HttpServer.HttpServer | MemoryStore>) =>
  test.pipe(Effect.provide(webhookServer), Logger.withMinimumLogLevel(LogLevel.None))

const newOrder = Effect.flatMap(seedUser(), (user) => seedOrder({ userId: user.id }))

const untouched = (orderId: OrderId) =>
  Effect.gen(function* () {
    expect(yield* payments).toHaveLength(0)
    expect(yield* outboxEvents).toHaveLength(0)
    expect(yield* orderStatus(orderId)).toBe("AwaitingPayment")
  })

describe("POST /payment-received", () => {
  for (const kind of ["ours", "stripe"] as const) {
    describe(`${kind === "ours" ? "our signed event (X-Signature)" : "Stripe's checkout.session.completed (Stripe-Signature)"}`, () => {
      it.live("a valid delivery pays the order: 200 accepted", () =>
        withServer(
          Effect.gen(function* () {
            const order = yield* newOrder
            const body = bodyFor(kind, order.id)
            const response = yield* post(body, { [headerOf[kind]]: sign(body, nowSeconds()) })
            expect(response).toEqual({ status: 200, text: JSON.stringify({ outcome: "accepted" }) })
            expect(yield* orderStatus(order.id)).toBe("Paid")
            expect(yield* outboxEvents).toHaveLength(1)
          })
        )
      )

      it.live("forged (another secret) or missing signatures: 401, nothing changes", () =>
        withServer(
          Effect.gen(function* () {
            const order = yield* newOrder
            const body = bodyFor(kind, order.id)
            expect((yield* post(body, { [headerOf[kind]]: sign(body, nowSeconds(), "attacker") })).status).toBe(401)
            expect((yield* post(body, {})).status).toBe(401)
            expect((yield* post(body, { [headerOf[kind]]: "t=1,v1=nothex" })).status).toBe(401)
            // A body altered after signing (the amount raised by a man in the middle).
            const signed = sign(body, nowSeconds())
            expect((yield* post(body.replace("1290", "99999"), { [headerOf[kind]]: signed })).status).toBe(401)
            yield* untouched(order.id)
          })
        )
      )

      it.live("late deliveries and replays past five minutes: 401, nothing changes", () =>
        withServer(
          Effect.gen(function* () {
            const order = yield* newOrder
            const body = bodyFor(kind, order.id)
            // A request captured six minutes ago, replayed as it was.
            const captured = sign(body, nowSeconds() - 360)
            const replay = yield* post(body, { [headerOf[kind]]: captured })
            expect(replay.status).toBe(401)
            expect(replay.text).toContain("OutsideTolerance")
            // Signed in the future (a skewed or forged clock).
            expect((yield* post(body, { [headerOf[kind]]: sign(body, nowSeconds() + 400) })).status).toBe(401)
            yield* untouched(order.id)
          })
        )
      )

      it.live("a replay within the tolerance, or a double delivery, answers 200 and takes effect once", () =>
        withServer(
          Effect.gen(function* () {
            const order = yield* newOrder
            const body = bodyFor(kind, order.id)
            const headers = { [headerOf[kind]]: sign(body, nowSeconds()) }
            const first = yield* post(body, headers)
            const again = yield* post(body, headers)
            const retried = yield* post(body, { [headerOf[kind]]: sign(body, nowSeconds()) })
            expect([first, again, retried].map((r) => [r.status, JSON.parse(r.text).outcome])).toEqual([
              [200, "accepted"],
              [200, "duplicate"],
              [200, "duplicate"]
            ])
            expect(yield* payments).toHaveLength(1)
            expect(yield* outboxEvents).toHaveLength(1)
          })
        )
      )

      it.live("an underpayment answers 200, holds the order and tells the user", () =>
        withServer(
          Effect.gen(function* () {
            const order = yield* newOrder
            const body = bodyFor(kind, order.id, 1000)
            const response = yield* post(body, { [headerOf[kind]]: sign(body, nowSeconds()) })
            expect(response).toEqual({ status: 200, text: JSON.stringify({ outcome: "underpaid" }) })
            expect(yield* orderStatus(order.id)).toBe("NeedsAttention")
            expect(yield* outboxEvents).toHaveLength(0)
            expect(yield* intents).toHaveLength(1)
          })
        )
      )

      it.live("a payment for an unknown order answers 200 and is kept", () =>
        withServer(
          Effect.gen(function* () {
            const body = bodyFor(kind, "order-nobody-knows")
            const response = yield* post(body, { [headerOf[kind]]: sign(body, nowSeconds()) })
            expect(response).toEqual({ status: 200, text: JSON.stringify({ outcome: "unknown_order" }) })
            expect((yield* payments).map((p) => [p.orderId, p.outcome])).toEqual([["order-nobody-knows", "unknown_order"]])
          })
        )
      )
    })
  }

  it.live("a signed body that is neither kind: 400; an unhandled Stripe event type: 200 ignored", () =>
    withServer(
      Effect.gen(function* () {
        const neither = JSON.stringify({ hello: "world" })
        const refused = yield* post(neither, { "x-signature": sign(neither, nowSeconds()) })
        expect(refused.status).toBe(400)
        expect(JSON.parse(refused.text)._tag).toBe("MalformedRequest")
        const other = JSON.stringify({ id: "evt_x", object: "event", type: "invoice.paid", data: { object: {} } })
        expect(yield* post(other, { "stripe-signature": sign(other, nowSeconds()) })).toEqual({
          status: 200,
          text: JSON.stringify({ outcome: "ignored" })
        })
        expect(yield* payments).toHaveLength(0)
      })
    )
  )

  it.live("storage down: 503, so the provider retries", () =>
    withServer(
      Effect.gen(function* () {
        const order = yield* newOrder
        yield* setOutage(true)
        const body = bodyFor("ours", order.id)
        expect((yield* post(body, { "x-signature": sign(body, nowSeconds()) })).status).toBe(503)
        yield* setOutage(false)
        expect((yield* post(body, { "x-signature": sign(body, nowSeconds()) })).status).toBe(200)
      })
    )
  )

  it.live("a body over the limit: 413", () =>
    withServer(
      Effect.gen(function* () {
        const huge = JSON.stringify({ padding: "x".repeat(300 * 1024) })
        expect((yield* post(huge, { "x-signature": sign(huge, nowSeconds()) })).status).toBe(413)
      })
    )
  )
})
