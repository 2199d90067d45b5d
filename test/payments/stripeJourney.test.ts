import { FetchHttpClient, type HttpServer } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import { make as makeStripe } from "../../adapters/payments/StripeCheckout.js"
import { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import { makeFakeStripe, type FakeStripeHandle } from "../../testing/fakes/payments/stripe/FakeStripe.js"
import { secret } from "./support/fixtures.js"
import { orderStatus, outboxEvents, payments, seedOrder, seedUser, type MemoryStore } from "./support/memoryStore.js"
import { stripeRequest, stripeSettingsFor } from "./support/stripeOverFake.js"
import { webhookServerWith, webhookUrl } from "./support/webhookServer.js"

/**
 * An order's money through the fake Stripe and the bot's webhook, over real HTTP: the Stripe
 * adapter makes the session, the fake's hosted page pays it, and Stripe's webhooks (signed with
 * Stripe's library) reach `/payment-received`: pay, underpay (a session for less than the quote),
 * expire, refund part and all, dispute.
 */
class Stripe extends Context.Tag("test/StripeProvider")<Stripe, PaymentProvider["Type"]>() {}

const withStripe = <A, E>(
  test: (fake: FakeStripeHandle) => Effect.Effect<A, E, Stripe | MemoryStore | HttpServer.HttpServer>,
  settings: Record<string, string> = {}
) =>
  Effect.gen(function* () {
    const fake = yield* makeFakeStripe({ webhookSecret: secret })
    const provider = yield* makeStripe(stripeSettingsFor(fake)).pipe(Effect.provide(FetchHttpClient.layer))
    return yield* Effect.gen(function* () {
      yield* fake.setWebhookUrl(yield* webhookUrl)
      return yield* test(fake).pipe(Effect.provideService(Stripe, provider))
    }).pipe(
      Effect.provide(
        webhookServerWith({ secret: Redacted.make(secret) }, Layer.succeed(PaymentProvider, provider)).pipe(
          Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings)))))
        )
      )
    )
  }).pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.None))

const paidOrder = (fake: FakeStripeHandle, sessionAmount = 1290) =>
  Effect.gen(function* () {
    const order = yield* seedOrder({ userId: (yield* seedUser()).id, amountMinor: 1290, currency: "USD" })
    const checkout = yield* Effect.flatMap(Stripe, (stripe) => stripe.createCheckout(stripeRequest(order.id, sessionAmount)))
    const intent = yield* fake.pay(checkout.providerReference)
    return { order, checkout, intent }
  })

const answers = (fake: FakeStripeHandle) => Effect.map(fake.deliveries, (all) => all.map((delivery) => `${delivery.type}:${delivery.status}`))

describe("an order's money through Stripe", () => {
  it.live("pay: the session's completion pays the order, once", () =>
    withStripe((fake) =>
      Effect.gen(function* () {
        const { order } = yield* paidOrder(fake)
        expect(yield* answers(fake)).toEqual(["checkout.session.completed:200"])
        expect(yield* orderStatus(order.id)).toBe("Paid")
        const [event] = yield* fake.deliveries
        yield* fake.redeliver(event?.eventId ?? "")
        expect(yield* outboxEvents).toHaveLength(1)
      })
    ))

  it.live("underpay: a session for less than the quote holds the order for a person", () =>
    withStripe((fake) =>
      Effect.gen(function* () {
        const { order } = yield* paidOrder(fake, 990)
        expect(yield* orderStatus(order.id)).toBe("NeedsAttention")
        expect((yield* payments).map((payment) => payment.outcome)).toEqual(["underpaid"])
      })
    ))

  it.live("expire: an expired session is acknowledged and the order still awaits payment", () =>
    withStripe((fake) =>
      Effect.gen(function* () {
        const order = yield* seedOrder({ userId: (yield* seedUser()).id })
        const checkout = yield* Effect.flatMap(Stripe, (stripe) => stripe.createCheckout(stripeRequest(order.id)))
        yield* Effect.flatMap(Stripe, (stripe) => stripe.expireCheckout(checkout.providerReference))
        expect(yield* answers(fake)).toEqual(["checkout.session.expired:200"])
        expect(yield* orderStatus(order.id)).toBe("AwaitingPayment")
        expect(yield* Effect.either(fake.pay(checkout.providerReference))).toMatchObject({ _tag: "Left" })
      })
    ))

  it.live("refund: a partial refund is recorded for review; the whole refund marks the order Refunded", () =>
    withStripe((fake) =>
      Effect.gen(function* () {
        const { order, intent } = yield* paidOrder(fake)
        const stripe = yield* Stripe
        yield* stripe.refund({ providerPaymentId: intent, amountMinor: 290, reason: "requested_by_customer" })
        expect(yield* orderStatus(order.id)).toBe("Paid")
        yield* stripe.refund({ providerPaymentId: intent, reason: "requested_by_customer" })
        expect(yield* orderStatus(order.id)).toBe("Refunded")
        const recorded = (yield* payments).map((payment) => [payment.outcome, payment.amountMinor, payment.orderId])
        expect(recorded).toEqual([
          ["accepted", 1290, order.id],
          ["partially_refunded", 290, order.id],
          ["refunded", 1290, order.id]
        ])
      })
    ))

  it.live("dispute: the card holder's dispute marks the order Disputed, for review", () =>
    withStripe((fake) =>
      Effect.gen(function* () {
        const { order, intent } = yield* paidOrder(fake)
        yield* fake.dispute(intent)
        expect((yield* answers(fake)).at(-1)).toBe("charge.dispute.created:200")
        expect(yield* orderStatus(order.id)).toBe("Disputed")
        expect((yield* payments).map((payment) => payment.outcome)).toEqual(["accepted", "disputed"])
      })
    ))

  it.live("pay twice: the second charge is kept for review, and refunding it leaves the paid order as it is", () =>
    withStripe((fake) =>
      Effect.gen(function* () {
        const { order } = yield* paidOrder(fake)
        const stripe = yield* Stripe
        const second = yield* stripe.createCheckout(stripeRequest(order.id))
        const intent = yield* fake.pay(second.providerReference)
        expect((yield* payments).map((payment) => payment.outcome)).toEqual(["accepted", "not_awaiting_payment"])
        yield* stripe.refund({ providerPaymentId: intent, reason: "duplicate" })
        expect(yield* orderStatus(order.id)).toBe("Paid")
        expect((yield* payments).map((payment) => payment.outcome)).toEqual(["accepted", "not_awaiting_payment", "refunded"])
        expect(yield* outboxEvents).toHaveLength(1)
      })
    ))

  it.live("pay twice with PAYMENT_REFUND_SECOND_CHARGES=true: the second charge goes back at once, the order stays paid", () =>
    withStripe(
      (fake) =>
        Effect.gen(function* () {
          const { order, intent: first } = yield* paidOrder(fake)
          const second = yield* Effect.flatMap(Stripe, (stripe) => stripe.createCheckout(stripeRequest(order.id)))
          const intent = yield* fake.pay(second.providerReference)
          expect((yield* fake.intent(intent))?.refundedMinor).toBe(1290)
          expect((yield* fake.intent(first))?.refundedMinor).toBe(0)
          expect(yield* orderStatus(order.id)).toBe("Paid")
          expect((yield* payments).map((payment) => payment.outcome)).toEqual(["accepted", "not_awaiting_payment", "refunded"])
        }),
      { PAYMENT_REFUND_SECOND_CHARGES: "true" }
    ))
})
