import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Exit, Layer, Option } from "effect"
import Stripe from "stripe"
import { StripeCheckout } from "../../adapters/payments/StripeCheckout.js"
import { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import { OrderId } from "../../domain/ids.js"
import { FakeStripe, type StripeFailure } from "../../testing/fakes/payments/stripe/FakeStripe.js"
import { paymentProviderSuite } from "../../testing/port-suites/PaymentProviderSuite.js"
import { chatUrl, stripeOverFake, stripeRequest, stripeSettingsFor } from "./support/stripeOverFake.js"

paymentProviderSuite("Stripe Checkout over the fake Stripe", stripeOverFake())

let sequence = 0
const order = () => OrderId.make(`stripe-order-${Date.now().toString(36)}-${(sequence += 1)}`)

const failureOf = <A, E extends { readonly _tag: string }>(exit: Exit.Exit<A, E>) =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined

/** Stripe's own library, pointed at the fake: it reads what the adapter created as Stripe would answer it. */
const officialClient = (fake: { readonly baseUrl: string; readonly secretKey: string }) => {
  const url = new URL(fake.baseUrl)
  return new Stripe(fake.secretKey, { host: url.hostname, port: Number(url.port), protocol: "http", maxNetworkRetries: 0 })
}

layer(stripeOverFake(), { excludeTestServices: true })("Stripe Checkout adapter", (it) => {
  it.effect("creates a session at the order's amount, in minor units, with the order id, an expiry and the chat as both return pages", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const fake = yield* FakeStripe
      const orderId = order()
      const expiresAt = new Date(Date.now() + 2 * 3600 * 1000)
      const checkout = yield* provider.createCheckout({ ...stripeRequest(orderId, 1161, "USD"), expiresAt })
      const [call] = (yield* fake.calls).slice(-1)
      expect(call?.path).toBe("/v1/checkout/sessions")
      expect(Object.fromEntries(call?.form ?? [])).toMatchObject({
        mode: "payment",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "1161",
        client_reference_id: orderId,
        "metadata[order_id]": orderId,
        expires_at: String(Math.floor(expiresAt.getTime() / 1000)),
        success_url: chatUrl,
        cancel_url: chatUrl
      })
      expect(call?.idempotencyKey).toMatch(/^checkout-/)
      expect(Option.map(checkout.expiresAt, (date) => Math.floor(date.getTime() / 1000))).toEqual(Option.some(Math.floor(expiresAt.getTime() / 1000)))

      const session = yield* Effect.promise(() => officialClient(fake).checkout.sessions.retrieve(checkout.providerReference))
      expect(session).toMatchObject({
        object: "checkout.session",
        amount_total: 1161,
        currency: "usd",
        client_reference_id: orderId,
        metadata: { order_id: orderId, tier: "Standard" },
        status: "open",
        url: checkout.url,
        success_url: chatUrl,
        cancel_url: chatUrl
      })
      const hosted = yield* Effect.promise(() => fetch(checkout.url).then((response) => response.text()))
      expect(hosted).toContain('data-amount-minor="1161"')
    }))

  it.effect("retries 429 and 500 under the same Idempotency-Key, and Stripe replays rather than creating twice", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const fake = yield* FakeStripe
      const before = (yield* fake.calls).length
      yield* fake.failNext("rate_limited")
      yield* fake.failNext("server_error")
      const checkout = yield* provider.createCheckout(stripeRequest(order()))
      const calls = (yield* fake.calls).slice(before)
      expect(calls.map((call) => call.status)).toEqual([429, 500, 200])
      expect(new Set(calls.map((call) => call.idempotencyKey)).size).toBe(1)
      expect(checkout.providerReference).toMatch(/^cs_test_/)
    }))

  it.effect("gives up on an outage after its retries with PaymentProviderUnavailable", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const fake = yield* FakeStripe
      yield* fake.failNext("server_error", 3)
      const error = failureOf(yield* Effect.exit(provider.createCheckout(stripeRequest(order()))))
      expect(error?._tag).toBe("PaymentProviderUnavailable")
      expect(error?.reason).toContain("500")
    }))

  const refusals: ReadonlyArray<readonly [StripeFailure, number, string]> = [
    ["unauthorized", 401, "invalid_request_error"],
    ["invalid_request", 400, "parameter_invalid_empty"],
    ["card_declined", 402, "card_declined"]
  ]
  for (const [failure, status, code] of refusals) {
    it.effect(`takes Stripe's ${status} (${failure}) as a refusal, not retried`, () =>
      Effect.gen(function* () {
        const provider = yield* PaymentProvider
        const fake = yield* FakeStripe
        const before = (yield* fake.calls).length
        yield* fake.failNext(failure)
        const error = failureOf(yield* Effect.exit(provider.createCheckout(stripeRequest(order()))))
        expect(error).toMatchObject({ _tag: "PaymentRequestRefused", code })
        expect((yield* fake.calls).length - before).toBe(1)
      }))
  }

  it.effect("a key reused with other parameters is Stripe's idempotency_error, a refusal", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const orderId = order()
      yield* provider.createCheckout({ ...stripeRequest(orderId), idempotencyKey: `k-${orderId}` })
      const error = failureOf(yield* Effect.exit(provider.createCheckout({ ...stripeRequest(orderId, 2990), idempotencyKey: `k-${orderId}` })))
      expect(error?._tag).toBe("PaymentRequestRefused")
      expect(error?.reason).toContain("idempotency_error")
    }))

  it.effect("expires an open session (Stripe sends checkout.session.expired) and refuses a paid one", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const fake = yield* FakeStripe
      const open = yield* provider.createCheckout(stripeRequest(order()))
      yield* provider.expireCheckout(open.providerReference)
      expect((yield* fake.session(open.providerReference))?.status).toBe("expired")
      expect((yield* fake.deliveries).at(-1)?.type).toBe("checkout.session.expired")
      const paid = yield* provider.createCheckout(stripeRequest(order()))
      yield* fake.pay(paid.providerReference)
      const error = failureOf(yield* Effect.exit(provider.expireCheckout(paid.providerReference)))
      expect(error?._tag).toBe("PaymentRequestRefused")
      expect(error?.reason).toContain("status of `open`")
    }))

  it.effect("refunds part and then the rest; a third refund is Stripe's charge_already_refunded", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const fake = yield* FakeStripe
      const checkout = yield* provider.createCheckout(stripeRequest(order()))
      const intent = yield* fake.pay(checkout.providerReference)
      yield* provider.refund({ providerPaymentId: intent, amountMinor: 290, reason: "requested_by_customer" })
      yield* provider.refund({ providerPaymentId: intent, reason: "paid twice" })
      expect((yield* fake.intent(intent))?.refundedMinor).toBe(1290)
      const lastCall = (yield* fake.calls).at(-1)
      expect(lastCall?.form.get("metadata[reason]")).toBe("paid twice")
      expect((yield* fake.deliveries).at(-1)?.type).toBe("charge.refunded")
      const error = failureOf(yield* Effect.exit(provider.refund({ providerPaymentId: intent, amountMinor: 1, reason: "duplicate" })))
      expect(error).toMatchObject({ _tag: "PaymentRequestRefused", code: "charge_already_refunded" })
    }))
})

describe("Stripe Checkout adapter without Stripe", () => {
  it.effect("a Stripe that cannot be reached is PaymentProviderUnavailable", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const error = failureOf(yield* Effect.exit(provider.createCheckout(stripeRequest(order()))))
      expect(error?._tag).toBe("PaymentProviderUnavailable")
    }).pipe(
      Effect.provide(
        StripeCheckout.layer(stripeSettingsFor({ baseUrl: "http://127.0.0.1:9", secretKey: "sk_test_x" }, { maxRetries: 0 })).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
      )
    ))
})
