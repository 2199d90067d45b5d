import { Schema } from "effect"
import { AmountMinor, PaymentId, PaymentReference, PaymentUnixSeconds } from "./PaymentFields.js"

/**
 * The part of Stripe's Checkout Session events that a payment needs (signed with
 * `Stripe-Signature`). Stripe sends more fields; they are ignored. `completed` carries the result
 * of card payments; delayed methods (bank debits) complete `unpaid` and then report success or
 * failure with the `async_payment_*` events, whose object is the same session.
 */
export const StripeCheckoutEventType = Schema.Literal(
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed"
)
export type StripeCheckoutEventType = typeof StripeCheckoutEventType.Type

export const StripeCheckoutSession = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("checkout.session"),
  /** Our opaque order id, set when the session was created; Stripe allows it to be absent. */
  client_reference_id: Schema.NullOr(PaymentReference),
  /** Minor units; null only for sessions without a price (setup mode). */
  amount_total: Schema.NullOr(AmountMinor),
  /** Lower case, as Stripe writes it (`usd`). */
  currency: Schema.NullOr(Schema.String.pipe(Schema.pattern(/^[A-Za-z]{3}$/))),
  payment_status: Schema.Literal("paid", "unpaid", "no_payment_required"),
  /** Unix seconds. */
  created: PaymentUnixSeconds
})
export type StripeCheckoutSession = typeof StripeCheckoutSession.Type

export const StripeCheckoutEvent = Schema.Struct({
  /** Stripe's event id (`evt_...`): the same on every retry of one delivery. */
  id: PaymentId,
  object: Schema.Literal("event"),
  type: StripeCheckoutEventType,
  /** Unix seconds. */
  created: PaymentUnixSeconds,
  livemode: Schema.optional(Schema.Boolean),
  data: Schema.Struct({ object: StripeCheckoutSession })
})
export type StripeCheckoutEvent = typeof StripeCheckoutEvent.Type
export type StripeCheckoutEventEncoded = typeof StripeCheckoutEvent.Encoded

/** Any Stripe event, to tell an event type we do not handle from a body that is not Stripe's. */
export const StripeEventHeader = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("event"),
  type: Schema.String
})
