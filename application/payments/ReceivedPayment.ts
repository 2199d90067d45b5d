import { Schema } from "effect"
import { CurrencyCode, MinorUnits } from "../../domain/pricing/Money.js"

/** What a provider said about a payment: only `paid` moves an order; the others are recorded. */
export const ReceivedPaymentStatus = Schema.Literal("paid", "unpaid", "failed")
export type ReceivedPaymentStatus = typeof ReceivedPaymentStatus.Type

/** Which webhook body it came in: our own signed event, Stripe's Checkout event, or a SUMIT payment confirmed by its API. */
export const PaymentSource = Schema.Literal("signed-event", "stripe", "sumit")
export type PaymentSource = typeof PaymentSource.Type

/** One payment as the bot understands it, whichever provider reported it. */
export class ReceivedPayment extends Schema.Class<ReceivedPayment>("ReceivedPayment")({
  /** The provider's id of this report; it takes effect once. */
  paymentId: Schema.NonEmptyTrimmedString,
  /** The order the payment names; empty when the provider carried none (kept for review). */
  orderId: Schema.String,
  amountMinor: MinorUnits,
  /** ISO 4217, upper case. */
  currency: CurrencyCode,
  status: ReceivedPaymentStatus,
  paidAt: Schema.DateFromSelf,
  provider: PaymentSource,
  /** The provider's id of the money (Stripe's payment intent, SUMIT's payment id): what a refund names. */
  providerPaymentId: Schema.optional(Schema.NonEmptyTrimmedString)
}) {}
