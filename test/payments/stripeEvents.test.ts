import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { Effect, Redacted, Schema } from "effect"
import Stripe from "stripe"
import { decodePaymentBody } from "../../adapters/payments/decodePaymentBody.js"
import { signPaymentPayload, verifyPaymentSignature } from "../../adapters/payments/PaymentSignature.js"
import { makeFakeStripe } from "../../testing/fakes/payments/stripe/FakeStripe.js"

/** Stripe's own fixtures (test/fixtures/stripe/README.md), read as the JSON objects they are. */
const fixture = (name: string): Record<string, unknown> =>
  Schema.decodeUnknownSync(Schema.Record({ key: Schema.String, value: Schema.Unknown }))(
    JSON.parse(readFileSync(new URL(`../fixtures/stripe/${name}.json`, import.meta.url), "utf8"))
  )

const event = (type: string, object: Record<string, unknown>, id = `evt_${type.replaceAll(".", "_")}`) => ({
  ...fixture("event"),
  id,
  type,
  created: 1_764_000_000,
  data: { object }
})

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

const paidSession = (orderId: string) => ({
  ...fixture("checkout.session"),
  client_reference_id: orderId,
  amount_total: 1290,
  currency: "usd",
  payment_status: "paid",
  status: "complete",
  metadata: { order_id: orderId }
})

describe("Stripe's events, from Stripe's fixtures", () => {
  it.effect("checkout.session.completed and async_payment_succeeded are payments naming the payment intent", () =>
    Effect.gen(function* () {
      for (const type of ["checkout.session.completed", "checkout.session.async_payment_succeeded"]) {
        const decoded = yield* decodePaymentBody(bytes(event(type, paidSession("o-1"))))
        if (decoded._tag !== "Payment") return expect.fail(`${type}: ${decoded._tag}`)
        expect(decoded.payment).toMatchObject({
          orderId: "o-1",
          amountMinor: 1290,
          currency: "USD",
          status: "paid",
          provider: "stripe",
          providerPaymentId: "pi_1PgafyB7WZ01zgkWSjxsAJo3"
        })
      }
    }))

  it.effect("async_payment_failed is a failed payment", () =>
    Effect.gen(function* () {
      const decoded = yield* decodePaymentBody(bytes(event("checkout.session.async_payment_failed", { ...paidSession("o-2"), payment_status: "unpaid" })))
      expect(decoded._tag === "Payment" && decoded.payment.status).toBe("failed")
    }))

  it.effect("checkout.session.expired names the order and the session", () =>
    Effect.gen(function* () {
      const base = fixture("checkout.session")
      const decoded = yield* decodePaymentBody(bytes(event("checkout.session.expired", { ...base, client_reference_id: "o-3", status: "expired" })))
      expect(decoded).toMatchObject({ _tag: "CheckoutExpired", orderId: "o-3", providerReference: base["id"] })
    }))

  it.effect("charge.refunded is a refund of the charge (by its id when it has no payment intent)", () =>
    Effect.gen(function* () {
      const charge = { ...fixture("charge"), amount_refunded: 100, refunded: true }
      const decoded = yield* decodePaymentBody(bytes(event("charge.refunded", charge)))
      expect(decoded).toMatchObject({
        _tag: "Refunded",
        providerPaymentId: "ch_1PgafuB7WZ01zgkWXYmPNZs8",
        amountMinor: 100,
        amountRefundedMinor: 100,
        currency: "USD"
      })
      const viaIntent = yield* decodePaymentBody(bytes(event("charge.refunded", { ...charge, payment_intent: "pi_1" })))
      expect(viaIntent).toMatchObject({ _tag: "Refunded", providerPaymentId: "pi_1" })
    }))

  it.effect("charge.dispute.created is a dispute with its reason", () =>
    Effect.gen(function* () {
      const decoded = yield* decodePaymentBody(bytes(event("charge.dispute.created", { ...fixture("dispute"), payment_intent: "pi_2" })))
      expect(decoded).toMatchObject({
        _tag: "Disputed",
        providerPaymentId: "pi_2",
        disputeId: "dp_1Pgc71B7WZ01zgkWMevJiAUx",
        amountMinor: 1000,
        currency: "USD",
        reason: "general"
      })
    }))

  it.effect("another Stripe event type is acknowledged and ignored; a handled type with a broken object is refused", () =>
    Effect.gen(function* () {
      expect((yield* decodePaymentBody(bytes(fixture("event"))))._tag).toBe("Ignored")
      const broken = yield* Effect.either(decodePaymentBody(bytes(event("charge.refunded", { ...fixture("charge"), amount: -1 }))))
      expect(broken._tag).toBe("Left")
    }))
})

describe("Stripe's signatures, both ways, with Stripe's own library", () => {
  const secret = "whsec_test_secret_for_both_directions"
  const body = JSON.stringify(event("checkout.session.completed", paidSession("o-9")))
  const now = Math.floor(Date.now() / 1000)

  it("the bot accepts what Stripe's library signs, and refuses it tampered, late or under another secret", () => {
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: now })
    const raw = new TextEncoder().encode(body)
    expect(verifyPaymentSignature(Redacted.make(secret), raw, header, now * 1000)._tag).toBe("Valid")
    expect(verifyPaymentSignature(Redacted.make(secret), new TextEncoder().encode(body.replace("1290", "1")), header, now * 1000)._tag).toBe("Mismatch")
    const late = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: now - 600 })
    expect(verifyPaymentSignature(Redacted.make(secret), raw, late, now * 1000)._tag).toBe("OutsideTolerance")
    expect(verifyPaymentSignature(Redacted.make("whsec_other"), raw, header, now * 1000)._tag).toBe("Mismatch")
  })

  it("Stripe's library accepts what the bot signs (the scheme of our own payment events)", () => {
    const header = signPaymentPayload(secret, now, body)
    const verified = Stripe.webhooks.constructEvent(body, header, secret)
    expect(verified.id).toBe("evt_checkout_session_completed")
    expect(() => Stripe.webhooks.constructEvent(body.replace("o-9", "o-8"), header, secret)).toThrow()
  })

  it.effect("the fake Stripe's webhooks (signed by Stripe's library) pass the bot's check and decode", () =>
    Effect.gen(function* () {
      const fake = yield* makeFakeStripe()
      const form = new URLSearchParams({
        mode: "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "ils",
        "line_items[0][price_data][unit_amount]": "3990",
        "line_items[0][price_data][product_data][name]": "Headshots",
        client_reference_id: "o-fake",
        success_url: "https://wa.me/15550783881"
      })
      const created = yield* Effect.promise(() =>
        fetch(`${fake.baseUrl}/v1/checkout/sessions`, { method: "POST", headers: { authorization: `Bearer ${fake.secretKey}` }, body: form }).then(
          (response) => response.json() as Promise<unknown>
        )
      )
      const sessionId = Schema.decodeUnknownSync(Schema.Struct({ id: Schema.String }))(created).id
      const intent = yield* fake.pay(sessionId)
      yield* fake.dispute(intent)
      const deliveries = yield* fake.deliveries
      expect(deliveries.map((delivery) => delivery.type)).toEqual(["checkout.session.completed", "charge.dispute.created"])
      for (const delivery of deliveries) {
        const raw = new TextEncoder().encode(delivery.body)
        expect(verifyPaymentSignature(Redacted.make(fake.webhookSecret), raw, delivery.signatureHeader, Date.now())._tag).toBe("Valid")
      }
      const [paid, disputed] = yield* Effect.forEach(deliveries, (delivery) => decodePaymentBody(new TextEncoder().encode(delivery.body)))
      expect(paid).toMatchObject({ _tag: "Payment", payment: { orderId: "o-fake", amountMinor: 3990, currency: "ILS", providerPaymentId: intent } })
      expect(disputed).toMatchObject({ _tag: "Disputed", providerPaymentId: intent, reason: "fraudulent" })
    }).pipe(Effect.scoped))
})
