import { Context, Option } from "effect"
import type { Effect } from "effect"
import type { OrderStatus } from "../../domain/orders/OrderStatus.js"
import type { IntentStatus } from "./OutboundMessages.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/** The orders in one status: how many, and since when the oldest has been in it (open statuses only). */
export interface OrdersInStatus {
  readonly count: number
  readonly oldestSince: Option.Option<Date>
}

/** Counts of stored state an operator watches; the metrics read them when scraped. */
export interface StoredStateReading {
  /** Every status, zero included. */
  readonly intents: Readonly<Record<IntentStatus, number>>
  /** Every status, zero included. */
  readonly orders: Readonly<Record<OrderStatus, OrdersInStatus>>
}

/**
 * Orders carry no time of their last move, so the time in an open status is measured from the
 * moment that began it: created (`AwaitingPayment`), otherwise paid.
 */
export const openOrderStatuses: ReadonlyArray<OrderStatus> = ["AwaitingPayment", "Paid", "Training", "Delivering", "NeedsAttention"]

export class StoredStateReadings extends Context.Tag("whatsapp-astria-bot/StoredStateReadings")<
  StoredStateReadings,
  { readonly read: Effect.Effect<StoredStateReading, StorageUnavailable> }
>() {}

/** When an order began its status, by the rule of `openOrderStatuses`; none for a closed status. */
export const inStatusSince = (order: { readonly status: OrderStatus; readonly createdAt: Date; readonly paidAt: Option.Option<Date> }) =>
  !openOrderStatuses.includes(order.status)
    ? undefined
    : order.status === "AwaitingPayment"
      ? order.createdAt
      : Option.getOrElse(order.paidAt, () => order.createdAt)

const none: OrdersInStatus = { count: 0, oldestSince: Option.none() }

/** A reading with every status at zero, for an adapter to fill in. */
export const emptyReading = (): { intents: Record<IntentStatus, number>; orders: Record<OrderStatus, OrdersInStatus> } => ({
  intents: { pending: 0, awaiting_window: 0, sent: 0, delivered: 0, read: 0, failed: 0 },
  orders: {
    AwaitingPayment: none,
    Paid: none,
    Training: none,
    Delivering: none,
    Delivered: none,
    NeedsAttention: none,
    Refunded: none,
    Disputed: none,
    Cancelled: none
  }
})
