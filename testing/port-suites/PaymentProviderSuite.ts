import { expect, layer } from "@effect/vitest"
import type { Layer } from "effect"
import { Context, Effect, Exit, Option } from "effect"
import type { Checkout, CheckoutRequest } from "../../application/ports/PaymentProvider.js"
import { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import { OrderId } from "../../domain/ids.js"

/**
 * The contract of the PaymentProvider port: a checkout per order that charges exactly the quote
 * and names the order; a renewal that stops the old checkout; refunds through the API, or a typed
 * "not supported"; and a refusal that is told apart from an outage.
 */

/** What the hosted page of a checkout charges, as the provider (or its fake) holds it. */
export interface CheckoutCharge {
  readonly amountMinor: number
  /** ISO 4217, upper case. */
  readonly currency: string
  /** The order the payment will name. */
  readonly orderId: string
}

export interface PaymentProbeService {
  /** A request this provider can price, for a new order. */
  readonly priceable: (orderId: OrderId) => CheckoutRequest
  /** A request this provider refuses as it is (no link at that price, a currency it cannot take). */
  readonly unpriceable: (orderId: OrderId) => CheckoutRequest
  readonly charges: (checkout: Checkout) => Effect.Effect<CheckoutCharge, string>
  /** Pays as the person would on the hosted page; the provider's payment id. Fails when the page takes no payment. */
  readonly pay: (checkout: Checkout) => Effect.Effect<string, string>
  /** Whether a checkout can be stopped (a fixed-price link cannot: it serves every order at its price). */
  readonly expires: boolean
  readonly refunds: boolean
  /** Whether a repeated call with one idempotency key gives back the first checkout (SUMIT's API has no such key). */
  readonly idempotent: boolean
}

export class PaymentProbe extends Context.Tag("whatsapp-astria-bot/port-suites/PaymentProbe")<PaymentProbe, PaymentProbeService>() {}

let sequence = 0
const newOrder = () => OrderId.make(`suite-order-${Date.now().toString(36)}-${(sequence += 1)}`)

export const paymentProviderSuite = <E>(name: string, adapter: Layer.Layer<PaymentProvider | PaymentProbe, E>) =>
  layer(adapter, { excludeTestServices: true })(`PaymentProvider contract: ${name}`, (it) => {
    it.effect("creates a checkout that charges exactly the quote and names the order", () =>
      Effect.gen(function* () {
        const provider = yield* PaymentProvider
        const probe = yield* PaymentProbe
        const request = probe.priceable(newOrder())
        const checkout = yield* provider.createCheckout(request)
        expect(new URL(checkout.url).protocol).toMatch(/^https?:$/)
        expect(checkout.providerReference).not.toBe("")
        const charge = yield* probe.charges(checkout)
        expect(charge).toEqual({ amountMinor: request.amountMinor, currency: request.currency, orderId: request.orderId })
        if (Option.isSome(checkout.expiresAt)) expect(checkout.expiresAt.value.getTime()).toBeGreaterThan(Date.now())
      }))

    it.effect("gives two orders two checkouts", () =>
      Effect.gen(function* () {
        const provider = yield* PaymentProvider
        const probe = yield* PaymentProbe
        const first = yield* provider.createCheckout(probe.priceable(newOrder()))
        const second = yield* provider.createCheckout(probe.priceable(newOrder()))
        expect(second.providerReference).not.toBe(first.providerReference)
        expect((yield* probe.charges(second)).orderId).not.toBe((yield* probe.charges(first)).orderId)
      }))

    it.effect("a repeated call with one idempotency key makes one checkout", () =>
      Effect.gen(function* () {
        const provider = yield* PaymentProvider
        const probe = yield* PaymentProbe
        if (!probe.idempotent) return
        const orderId = newOrder()
        const request = { ...probe.priceable(orderId), idempotencyKey: `suite-${orderId}` }
        const first = yield* provider.createCheckout(request)
        const again = yield* provider.createCheckout(request)
        expect(again.providerReference).toBe(first.providerReference)
        expect(again.url).toBe(first.url)
      }))

    it.effect("refuses, as permanent, a checkout it cannot price", () =>
      Effect.gen(function* () {
        const provider = yield* PaymentProvider
        const probe = yield* PaymentProbe
        const exit = yield* Effect.exit(provider.createCheckout(probe.unpriceable(newOrder())))
        expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error._tag : "succeeded").toBe("PaymentRequestRefused")
      }))

    it.effect("an expired checkout takes no payment, and expiring it again is refused", () =>
      Effect.gen(function* () {
        const provider = yield* PaymentProvider
        const probe = yield* PaymentProbe
        const checkout = yield* provider.createCheckout(probe.priceable(newOrder()))
        yield* provider.expireCheckout(checkout.providerReference)
        if (!probe.expires) return
        expect(Exit.isFailure(yield* Effect.exit(probe.pay(checkout)))).toBe(true)
        const again = yield* Effect.exit(provider.expireCheckout(checkout.providerReference))
        expect(Exit.isFailure(again) && again.cause._tag === "Fail" ? again.cause.error._tag : "succeeded").toBe("PaymentRequestRefused")
      }))

    it.effect("refunds a payment once through the API, or answers that it cannot", () =>
      Effect.gen(function* () {
        const provider = yield* PaymentProvider
        const probe = yield* PaymentProbe
        const checkout = yield* provider.createCheckout(probe.priceable(newOrder()))
        if (!probe.refunds) {
          const exit = yield* Effect.exit(provider.refund({ providerPaymentId: "any", reason: "duplicate" }))
          expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error._tag : "succeeded").toBe("RefundNotSupported")
          return
        }
        const paymentId = yield* probe.pay(checkout)
        const refundId = yield* provider.refund({ providerPaymentId: paymentId, reason: "duplicate" })
        expect(refundId).not.toBe("")
        // Asked again (a retried command): the same refund, not a second one.
        expect(yield* provider.refund({ providerPaymentId: paymentId, reason: "duplicate" })).toBe(refundId)
        const unknown = yield* Effect.exit(provider.refund({ providerPaymentId: `${paymentId}-unknown`, reason: "duplicate" }))
        expect(Exit.isFailure(unknown) && unknown.cause._tag === "Fail" ? unknown.cause.error._tag : "succeeded").toBe("PaymentRequestRefused")
      }))
  })
