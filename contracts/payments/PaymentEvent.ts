import { Schema } from "effect"

/**
 * Our own payment webhook body, signed with `X-Signature` (see adapters/payments). Amounts are in
 * minor units (cents, agorot), so money never meets floating point.
 */
export const PaymentEventStatus = Schema.Literal("paid", "unpaid", "failed")
export type PaymentEventStatus = typeof PaymentEventStatus.Type

export const PaymentEvent = Schema.Struct({
  /** The provider's payment id: a payment takes effect once, whatever the deliveries. */
  id: Schema.NonEmptyTrimmedString,
  /** Our opaque order id, as carried by the payment link. */
  order_id: Schema.String,
  amount: Schema.Int.pipe(Schema.nonNegative()),
  /** ISO 4217, any case. */
  currency: Schema.String.pipe(Schema.pattern(/^[A-Za-z]{3}$/)),
  status: PaymentEventStatus,
  /** ISO 8601. */
  paid_at: Schema.DateTimeUtc
})
export type PaymentEvent = typeof PaymentEvent.Type
export type PaymentEventEncoded = typeof PaymentEvent.Encoded
