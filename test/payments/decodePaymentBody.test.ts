import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { decodePaymentBody } from "../../adapters/payments/decodePaymentBody.js"
import { ownEventBody, stripeEventBody } from "./support/bodies.js"

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value))

describe("decodePaymentBody", () => {
  it.effect("normalizes our own event", () =>
    Effect.gen(function* () {
      const decoded = yield* decodePaymentBody(bytes(ownEventBody({ id: "pay_1", orderId: "o-1", amount: 1161, currency: "usd" })))
      expect(decoded._tag).toBe("Payment")
      if (decoded._tag !== "Payment") return
      expect(decoded.payment).toMatchObject({
        paymentId: "pay_1",
        orderId: "o-1",
        amountMinor: 1161,
        currency: "USD",
        status: "paid",
        provider: "signed-event"
      })
      expect(decoded.payment.paidAt.toISOString()).toBe("2026-11-25T10:00:00.000Z")
    })
  )

  it.effect("ignores a Stripe event whose live or test mode is not the configured one, and takes one that matches", () =>
    Effect.gen(function* () {
      const testModeEvent = bytes(stripeEventBody({ id: "evt_test", orderId: "o-3", amount: 1290, currency: "usd" }))
      const inProduction = yield* decodePaymentBody(testModeEvent, { liveMode: true })
      expect(inProduction).toMatchObject({ _tag: "Ignored", reason: expect.stringContaining("test-mode") })
      const liveEvent = bytes({ ...stripeEventBody({ id: "evt_live", orderId: "o-3", amount: 1290, currency: "usd" }), livemode: true })
      expect((yield* decodePaymentBody(liveEvent, { liveMode: true }))._tag).toBe("Payment")
      expect((yield* decodePaymentBody(liveEvent, { liveMode: false }))._tag).toBe("Ignored")
      expect((yield* decodePaymentBody(testModeEvent))._tag).toBe("Payment")
    })
  )

  it.effect("normalizes Stripe's checkout.session.completed", () =>
    Effect.gen(function* () {
      const decoded = yield* decodePaymentBody(bytes(stripeEventBody({ id: "evt_1", orderId: "o-2", amount: 1290, currency: "ils" })))
      if (decoded._tag !== "Payment") return expect.fail("not a payment")
      expect(decoded.payment).toMatchObject({
        paymentId: "evt_1",
        orderId: "o-2",
        amountMinor: 1290,
        currency: "ILS",
        status: "paid",
        provider: "stripe"
      })
    })
  )

  it.effect("maps Stripe's unpaid and failed sessions, and a session without an order", () =>
    Effect.gen(function* () {
      const unpaid = yield* decodePaymentBody(bytes(stripeEventBody({ id: "evt_2", orderId: "o", paymentStatus: "unpaid" })))
      const failed = yield* decodePaymentBody(
        bytes(stripeEventBody({ id: "evt_3", orderId: "o", type: "checkout.session.async_payment_failed", paymentStatus: "unpaid" }))
      )
      const orphan = yield* decodePaymentBody(bytes(stripeEventBody({ id: "evt_4", orderId: null })))
      expect(unpaid._tag === "Payment" && unpaid.payment.status).toBe("unpaid")
      expect(failed._tag === "Payment" && failed.payment.status).toBe("failed")
      expect(orphan._tag === "Payment" && orphan.payment.orderId).toBe("")
    })
  )

  it.effect("ignores Stripe events it does not handle", () =>
    Effect.gen(function* () {
      const decoded = yield* decodePaymentBody(bytes({ id: "evt_5", object: "event", type: "customer.created", data: { object: {} } }))
      expect(decoded._tag).toBe("Ignored")
    })
  )

  it.effect("refuses bodies that are neither kind", () =>
    Effect.gen(function* () {
      for (const body of [
        "not json",
        "[]",
        { id: "pay_1", order_id: "o", amount: 12.9, currency: "USD", status: "paid", paid_at: "2026-11-25T10:00:00Z" },
        { id: "pay_1", order_id: "o", amount: 1290, currency: "USD", status: "refunded", paid_at: "2026-11-25T10:00:00Z" },
        { ...stripeEventBody({ id: "evt_6", orderId: "o" }), data: { object: { id: "cs_1" } } }
      ]) {
        const exit = yield* Effect.exit(decodePaymentBody(bytes(body)))
        expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag).toBe("UnrecognizedPaymentBody")
      }
      const notUtf8 = yield* Effect.exit(decodePaymentBody(new Uint8Array([0xff, 0xfe, 0x00])))
      expect(Exit.isFailure(notUtf8)).toBe(true)
    })
  )
})
