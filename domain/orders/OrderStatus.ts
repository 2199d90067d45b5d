import { Schema } from "effect"

/**
 * The one life of an order, shared by the conversation, the orders table, payments and support.
 *
 * - `AwaitingPayment`: quoted, a checkout sent, no money yet.
 * - `Paid`: the money matched the quote; no Astria tune yet.
 * - `Training`: the tune exists on Astria and is training.
 * - `Delivering`: some of its images have gone out; the order stays open until every prompt is
 *   done and every image sent.
 * - `Delivered`: every image sent.
 * - `NeedsAttention`: a person must act (a payment that did not match, Astria refusing the order,
 *   a saved model gone, a failed training); an attention item says why. Support retries it
 *   (back to `Paid`) or refunds it.
 * - `Refunded`: the money went back through the provider.
 * - `Disputed`: the customer disputed the charge with their bank.
 * - `Cancelled`: the photos it would train from were discarded before it was paid.
 */
export const OrderStatus = Schema.Literal(
  "AwaitingPayment",
  "Paid",
  "Training",
  "Delivering",
  "Delivered",
  "NeedsAttention",
  "Refunded",
  "Disputed",
  "Cancelled"
)
export type OrderStatus = typeof OrderStatus.Type

/** Money and a refund or dispute may come at any moment after payment, so every paid status allows them. */
const afterMoney = ["NeedsAttention", "Refunded", "Disputed"] as const

/** Where each status may go next. Every writer of an order's status (decider, storage) follows this table. */
export const orderTransitions: { readonly [From in OrderStatus]: ReadonlyArray<OrderStatus> } = {
  AwaitingPayment: ["Paid", "NeedsAttention", "Cancelled"],
  Paid: ["Training", "Delivering", "Delivered", ...afterMoney],
  Training: ["Delivering", "Delivered", ...afterMoney],
  Delivering: ["Delivered", ...afterMoney],
  Delivered: ["Refunded", "Disputed"],
  // Support retries it once the cause is fixed (back to Paid), or the images turn up after all.
  NeedsAttention: ["Paid", "Training", "Delivering", "Delivered", "Refunded", "Disputed"],
  Refunded: ["Disputed"],
  Disputed: ["Refunded"],
  // A payment arriving for a cancelled order is money a person must look at.
  Cancelled: ["NeedsAttention"]
}

export const canMoveOrder = (from: OrderStatus, to: OrderStatus): boolean => orderTransitions[from].includes(to)

/** The statuses an order may move to `to` from: what a storage adapter checks before writing `to`. */
export const orderStatusesBefore = (to: OrderStatus): ReadonlyArray<OrderStatus> =>
  OrderStatus.literals.filter((from) => canMoveOrder(from, to))

/** The order was paid for (whatever happened since): what makes a person a returning customer. */
export const wasPaid = (status: OrderStatus): boolean =>
  status === "Paid" ||
  status === "Training" ||
  status === "Delivering" ||
  status === "Delivered" ||
  status === "Disputed"

/** Still owed something by us or by Astria: the reconciler and the stalled-order checks look at these. */
export const isInProgress = (status: OrderStatus): boolean =>
  status === "Paid" || status === "Training" || status === "Delivering"
