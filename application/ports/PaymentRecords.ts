import { Context, Option, Schema } from "effect"
import type { Effect } from "effect"
import type { UserId } from "../../domain/ids.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/**
 * A payment as received from the provider. `orderId` may name no order we know (kept for review);
 * `userRef` becomes a one-way hash when the user is erased, since accounting keeps the payment.
 */
export class PaymentRecord extends Schema.Class<PaymentRecord>("PaymentRecord")({
  id: Schema.String,
  provider: Schema.String,
  orderId: Schema.String,
  userRef: Schema.OptionFromNullOr(Schema.String),
  amountMinor: Schema.Int,
  currency: Schema.String,
  tier: Schema.OptionFromNullOr(Schema.String),
  status: Schema.String,
  /** accepted, underpaid, overpaid, wrong_currency, unknown_order, not_awaiting_payment, refunded, disputed, ... */
  outcome: Schema.String,
  paidAt: Schema.DateFromSelf,
  receivedAt: Schema.DateFromSelf,
  /** The provider's id of the money (Stripe's payment intent, SUMIT's payment id): what refunds and disputes name. */
  providerPaymentId: Schema.optionalWith(Schema.OptionFromNullOr(Schema.String), { default: () => Option.none() })
}) {}

export class PaymentRecords extends Context.Tag("whatsapp-astria-bot/PaymentRecords")<
  PaymentRecords,
  {
    /** False when this payment id was already recorded (a duplicate webhook). */
    readonly recordIfNew: (payment: PaymentRecord) => Effect.Effect<boolean, StorageUnavailable>
    readonly needingReview: Effect.Effect<ReadonlyArray<PaymentRecord>, StorageUnavailable>
    /** The payment that took this money (the earliest record naming it), for a refund or a dispute. */
    readonly byProviderPaymentId: (provider: string, providerPaymentId: string) => Effect.Effect<Option.Option<PaymentRecord>, StorageUnavailable>
    /** Every record naming this order (its payments, refunds and disputes), oldest first. */
    readonly forOrder: (orderId: string) => Effect.Effect<ReadonlyArray<PaymentRecord>, StorageUnavailable>
    /** Replaces the user reference of the user's payments with `hashedRef`. */
    readonly pseudonymizeUser: (userId: UserId, hashedRef: string) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
