import { Schema } from "effect"
import { AmountMinor, PaymentId, PaymentReference, PaymentTime } from "./PaymentFields.js"

/**
 * Our own payment webhook body, signed with `X-Signature` (see adapters/payments). Amounts are in
 * minor units (cents, agorot), so money never meets floating point.
 */
export const PaymentEventStatus = Schema.Literal("paid", "unpaid", "failed")
export type PaymentEventStatus = typeof PaymentEventStatus.Type

export const PaymentEvent = Schema.Struct({
  /** The provider's payment id: a payment takes effect once, whatever the deliveries. */
  id: PaymentId,
  /** Our opaque order id, as carried by the payment link. */
  order_id: PaymentReference,
  amount: AmountMinor,
  /** ISO 4217, any case. */
  currency: Schema.String.pipe(Schema.pattern(/^[A-Za-z]{3}$/)),
  status: PaymentEventStatus,
  /** ISO 8601. */
  paid_at: PaymentTime
})
export type PaymentEvent = typeof PaymentEvent.Type
export type PaymentEventEncoded = typeof PaymentEvent.Encoded
