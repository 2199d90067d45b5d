import { Data } from "effect"
import type { OrderId, UserId } from "../../domain/ids.js"
import type { MinorUnits } from "../../domain/pricing/Money.js"
import type { OrderStatus } from "../../domain/orders/OrderStatus.js"

/** What one received payment did. Every outcome but `Duplicate` was recorded for accounting. */
export type PaymentOutcome = Data.TaggedEnum<{
  /** This payment id was already recorded: nothing changed. */
  Duplicate: Record<never, never>
  /** Paid exactly the quote; `trainingStarted` is false when the order had been paid meanwhile. */
  Accepted: { readonly orderId: OrderId; readonly userId: UserId; readonly trainingStarted: boolean }
  /** Paid more than the quote: the order proceeds and the operator is told. */
  Overpaid: { readonly orderId: OrderId; readonly userId: UserId; readonly excess: MinorUnits }
  /** Underpaid or paid in another currency: no training; the user and the operator are told. */
  Mismatch: { readonly orderId: OrderId; readonly userId: UserId; readonly reason: "underpaid" | "wrong_currency" }
  /** A payment for an order that no longer awaits one (paid twice, or held for review). */
  NotAwaitingPayment: { readonly orderId: OrderId; readonly status: OrderStatus }
  /** The order's stored quote cannot be read as a quote, so the amount cannot be checked: for review. */
  Unverifiable: { readonly orderId: OrderId; readonly userId: UserId }
  /** No order by that id: kept for review, never dropped. */
  UnknownOrder: { readonly orderId: string }
  /** The provider reported no money (unpaid, failed): recorded, nothing else. */
  NotPaid: { readonly status: string }
}>
export const PaymentOutcome = Data.taggedEnum<PaymentOutcome>()

/** The outcome as stored with the payment record (see PaymentRecord.outcome). */
export const recordedOutcome = (outcome: PaymentOutcome): string =>
  PaymentOutcome.$match(outcome, {
    Duplicate: () => "duplicate",
    Accepted: () => "accepted",
    Overpaid: () => "overpaid",
    Mismatch: ({ reason }) => reason,
    NotAwaitingPayment: () => "not_awaiting_payment",
    Unverifiable: () => "unverifiable",
    UnknownOrder: () => "unknown_order",
    NotPaid: () => "not_paid"
  })
