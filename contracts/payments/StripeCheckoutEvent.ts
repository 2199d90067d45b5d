import { Schema } from "effect"
import { AmountMinor, PaymentId, PaymentReference, PaymentUnixSeconds } from "./PaymentFields.js"

/**
 * The parts of Stripe's events that the bot reads (signed with `Stripe-Signature`). Stripe sends
 * more fields; they are ignored. The shapes follow Stripe's own fixtures (test/fixtures/stripe/).
 * - `checkout.session.completed` carries the result of card payments; delayed methods (bank debits)
 *   complete `unpaid` and then report success or failure with the `async_payment_*` events, whose
 *   object is the same session.
 * - `checkout.session.expired`: the session can no longer be paid (a renewal is offered).
 * - `charge.refunded` and `charge.dispute.created`: money going back, by us or by the card holder.
 */
export const StripeCheckoutEventType = Schema.Literal(
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "checkout.session.expired"
)
export type StripeCheckoutEventType = typeof StripeCheckoutEventType.Type

const CurrencyOnWire = Schema.String.pipe(Schema.pattern(/^[A-Za-z]{3}$/))

export const StripeCheckoutSession = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("checkout.session"),
  /** Our opaque order id, set when the session was created; Stripe allows it to be absent. */
  client_reference_id: Schema.NullOr(PaymentReference),
  /** Minor units; null only for sessions without a price (setup mode). */
  amount_total: Schema.NullOr(AmountMinor),
  /** Lower case, as Stripe writes it (`usd`). */
  currency: Schema.NullOr(CurrencyOnWire),
  payment_status: Schema.Literal("paid", "unpaid", "no_payment_required"),
  /** The money's id, what a refund names; absent before payment and in older API versions. */
  payment_intent: Schema.optional(Schema.NullOr(PaymentReference)),
  metadata: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.String }))),
  /** Unix seconds. */
  created: PaymentUnixSeconds
})
export type StripeCheckoutSession = typeof StripeCheckoutSession.Type

const eventEnvelope = {
  /** Stripe's event id (`evt_...`): the same on every retry of one delivery. */
  id: PaymentId,
  object: Schema.Literal("event"),
  /** Unix seconds. */
  created: PaymentUnixSeconds,
  livemode: Schema.optional(Schema.Boolean)
}

export const StripeCheckoutEvent = Schema.Struct({
  ...eventEnvelope,
  type: StripeCheckoutEventType,
  data: Schema.Struct({ object: StripeCheckoutSession })
})
export type StripeCheckoutEvent = typeof StripeCheckoutEvent.Type
export type StripeCheckoutEventEncoded = typeof StripeCheckoutEvent.Encoded

export const StripeCharge = Schema.Struct({
  id: PaymentReference,
  object: Schema.Literal("charge"),
  amount: AmountMinor,
  /** Minor units refunded so far, over every refund of this charge. */
  amount_refunded: AmountMinor,
  currency: CurrencyOnWire,
  payment_intent: Schema.NullOr(PaymentReference),
  refunded: Schema.Boolean
})
export type StripeCharge = typeof StripeCharge.Type

export const StripeChargeRefundedEvent = Schema.Struct({
  ...eventEnvelope,
  type: Schema.Literal("charge.refunded"),
  data: Schema.Struct({ object: StripeCharge })
})
export type StripeChargeRefundedEvent = typeof StripeChargeRefundedEvent.Type
export type StripeChargeRefundedEventEncoded = typeof StripeChargeRefundedEvent.Encoded

export const StripeDispute = Schema.Struct({
  id: PaymentReference,
  object: Schema.Literal("dispute"),
  amount: AmountMinor,
  currency: CurrencyOnWire,
  charge: PaymentReference,
  payment_intent: Schema.NullOr(PaymentReference),
  /** `fraudulent`, `duplicate`, `general`, ... as the card network reported it. */
  reason: Schema.String,
  status: Schema.String
})
export type StripeDispute = typeof StripeDispute.Type

export const StripeDisputeCreatedEvent = Schema.Struct({
  ...eventEnvelope,
  type: Schema.Literal("charge.dispute.created"),
  data: Schema.Struct({ object: StripeDispute })
})
export type StripeDisputeCreatedEvent = typeof StripeDisputeCreatedEvent.Type
export type StripeDisputeCreatedEventEncoded = typeof StripeDisputeCreatedEvent.Encoded

/** Every Stripe event the bot acts on. */
export const StripeEvent = Schema.Union(StripeCheckoutEvent, StripeChargeRefundedEvent, StripeDisputeCreatedEvent)
export type StripeEvent = typeof StripeEvent.Type
export type StripeEventEncoded = typeof StripeEvent.Encoded

export const stripeEventTypes: ReadonlyArray<string> = [
  ...StripeCheckoutEventType.literals,
  "charge.refunded",
  "charge.dispute.created"
]

/** Any Stripe event, to tell an event type we do not handle from a body that is not Stripe's. */
export const StripeEventHeader = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("event"),
  type: Schema.String
})
