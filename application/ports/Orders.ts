import { Context, Schema } from "effect"
import type { Effect, Option } from "effect"
import { OrderId, PackId, TuneId, UserId } from "../../domain/ids.js"
import { OrderStatus } from "../../domain/orders/OrderStatus.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

export class OrderRecord extends Schema.Class<OrderRecord>("OrderRecord")({
  id: OrderId,
  userId: UserId,
  packId: PackId,
  tier: Schema.String,
  /** The quote: the amount in minor units (cents, agorot) and its currency. */
  amountMinor: Schema.Int,
  currency: Schema.String,
  imageCount: Schema.Int,
  className: Schema.String,
  characteristics: Schema.Record({ key: Schema.String, value: Schema.String }),
  /** A saved model to reuse instead of training on photos. */
  reuseTuneId: Schema.OptionFromNullOr(TuneId),
  status: OrderStatus,
  /** Where the person pays; none until the checkout worker has created it. */
  paymentLink: Schema.OptionFromNullOr(Schema.String),
  /** The provider's id of the checkout behind `paymentLink`. */
  checkoutReference: Schema.OptionFromNullOr(Schema.String),
  /** When that checkout stops taking payment; none for a page that never expires. */
  checkoutExpiresAt: Schema.OptionFromNullOr(Schema.DateFromSelf),
  tuneId: Schema.OptionFromNullOr(TuneId),
  /** SHA-256 of the per-order callback secret; the secret itself is never stored. */
  callbackTokenHash: Schema.OptionFromNullOr(Schema.String),
  eta: Schema.OptionFromNullOr(Schema.DateFromSelf),
  createdAt: Schema.DateFromSelf,
  paidAt: Schema.OptionFromNullOr(Schema.DateFromSelf),
  deliveredAt: Schema.OptionFromNullOr(Schema.DateFromSelf)
}) {}

/** A checkout as an order keeps it. */
export interface OrderCheckout {
  readonly url: string
  readonly providerReference: string
  readonly expiresAt: Option.Option<Date>
}

export class Orders extends Context.Tag("whatsapp-astria-bot/Orders")<
  Orders,
  {
    readonly create: (order: OrderRecord) => Effect.Effect<void, StorageUnavailable>
    readonly get: (id: OrderId) => Effect.Effect<Option.Option<OrderRecord>, StorageUnavailable>
    /**
     * Stores the order's (new) checkout while the order awaits payment; false otherwise (paid
     * meanwhile, cancelled, unknown), when the checkout is not to be sent.
     */
    readonly attachCheckout: (id: OrderId, checkout: OrderCheckout) => Effect.Effect<boolean, StorageUnavailable>
    readonly listForUser: (userId: UserId) => Effect.Effect<ReadonlyArray<OrderRecord>, StorageUnavailable>
    /** Moves `AwaitingPayment` to `Paid`; false when the order was not awaiting payment (a repeat). */
    readonly markPaid: (id: OrderId, at: Date) => Effect.Effect<boolean, StorageUnavailable>
    /**
     * Moves the order to `to` when the order-status model allows it from where the order is
     * (`domain/orders/OrderStatus.ts`); false otherwise, and for an unknown order.
     */
    readonly moveTo: (id: OrderId, to: OrderStatus) => Effect.Effect<boolean, StorageUnavailable>
    /** The Astria tune exists: `Paid` to `Training`, with its ETA and the callback secret's hash. */
    readonly startTraining: (
      id: OrderId,
      tuneId: TuneId,
      eta: Option.Option<Date>,
      callbackTokenHash: string
    ) => Effect.Effect<void, StorageUnavailable>
    /** False when already delivered or no longer allowed to be (a repeated callback, or the reconciler got there first). */
    readonly markDelivered: (id: OrderId, at: Date) => Effect.Effect<boolean, StorageUnavailable>
    /** Orders training or delivering whose ETA plus `grace` has passed: their callback is overdue. */
    readonly overdue: (now: Date, graceMillis: number) => Effect.Effect<ReadonlyArray<OrderRecord>, StorageUnavailable>
    /** Orders paid but with no tune yet (the tune creation failed or never ran). */
    readonly paidWithoutTune: Effect.Effect<ReadonlyArray<OrderRecord>, StorageUnavailable>
    readonly list: (options: { readonly limit: number; readonly offset: number }) => Effect.Effect<
      ReadonlyArray<OrderRecord>,
      StorageUnavailable
    >
    readonly deleteForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
