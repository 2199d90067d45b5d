import { Context, Schema } from "effect"
import type { Effect, Option } from "effect"
import type { OrderId } from "../../domain/ids.js"

/**
 * What a checkout is made from: the order's opaque id and its quote (never a phone number). Where
 * the person goes back to after paying or cancelling, the WhatsApp chat (`https://wa.me/<number>`),
 * is the deployment's, so each adapter has it from its settings.
 */
export interface CheckoutRequest {
  readonly orderId: OrderId
  /** The quoted amount in minor units (cents, agorot), discounts included. */
  readonly amountMinor: number
  /** ISO 4217, upper case. */
  readonly currency: string
  readonly tier: string
  /** What the person buys, as the checkout page shows it. */
  readonly description: string
  /** When the checkout stops taking payment; the provider's own default when absent. */
  readonly expiresAt?: Date
  /**
   * Makes a repeated call (a retried command) create one checkout, not two. Absent: each call is a
   * new checkout, though the adapter's own retries of one call still reuse one key.
   */
  readonly idempotencyKey?: string
}

/** A checkout the person can pay at. */
export interface Checkout {
  readonly url: string
  /** The provider's id of this checkout (a Stripe session, a SUMIT page); the order id for a fixed link. */
  readonly providerReference: string
  /** None for a page that never expires (a fixed-price link). */
  readonly expiresAt: Option.Option<Date>
}

export interface RefundRequest {
  /** The provider's id of the money taken (Stripe's payment intent, SUMIT's payment id). */
  readonly providerPaymentId: string
  /** Minor units; the whole payment when absent. */
  readonly amountMinor?: number
  /** Why, for the provider's records and ours ("duplicate", "requested_by_customer", ...). */
  readonly reason: string
}

/** The provider cannot be reached or asks us to come back (a timeout, 429, 5xx): try again later. */
export class PaymentProviderUnavailable extends Schema.TaggedError<PaymentProviderUnavailable>()("PaymentProviderUnavailable", {
  reason: Schema.String
}) {}

/**
 * The provider refused this request, and will refuse it again as it is (an invalid amount, a
 * rejected key, a payment already refunded, no fixed-price link at this price): a person must act.
 */
export class PaymentRequestRefused extends Schema.TaggedError<PaymentRequestRefused>()("PaymentRequestRefused", {
  reason: Schema.String,
  /** The provider's own code when it gave one (Stripe's `error.code`). */
  code: Schema.optional(Schema.String)
}) {}

/** This provider takes no refunds through its API (fixed-price links): refund in its dashboard. */
export class RefundNotSupported extends Schema.TaggedError<RefundNotSupported>()("RefundNotSupported", {
  provider: Schema.String,
  reason: Schema.String
}) {}

export type PaymentProviderError = PaymentProviderUnavailable | PaymentRequestRefused

/** Where people pay: a checkout per order; the provider reports back by webhook or notification. */
export class PaymentProvider extends Context.Tag("whatsapp-astria-bot/PaymentProvider")<
  PaymentProvider,
  {
    /** The provider's name as payments record it (`stripe`, `sumit`, `links`, `development`). */
    readonly name: string
    readonly createCheckout: (request: CheckoutRequest) => Effect.Effect<Checkout, PaymentProviderError>
    /**
     * Stops a checkout taking payment (a renewal replaces it). Refused when it is no longer open
     * (paid, or expired already); a page that never expires (a fixed link) has nothing to stop.
     */
    readonly expireCheckout: (providerReference: string) => Effect.Effect<void, PaymentProviderError>
    /** Returns the provider's refund id. */
    readonly refund: (request: RefundRequest) => Effect.Effect<string, PaymentProviderError | RefundNotSupported>
  }
>() {}
