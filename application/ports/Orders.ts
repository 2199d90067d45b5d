import { Context, Schema } from "effect"
import type { Effect, Option } from "effect"
import { OrderId, PackId, TuneId, UserId } from "../../domain/ids.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/**
 * `awaiting_payment` until the payment webhook; `paid` until the Astria tune exists; `training`
 * until the images are delivered; `delivered` at the end. `payment_mismatch` holds an order whose
 * payment did not match its quote.
 */
export const OrderStatus = Schema.Literal("awaiting_payment", "paid", "training", "delivered", "payment_mismatch")
export type OrderStatus = typeof OrderStatus.Type

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
  paymentLink: Schema.String,
  tuneId: Schema.OptionFromNullOr(TuneId),
  /** SHA-256 of the per-order callback secret; the secret itself is never stored. */
  callbackTokenHash: Schema.OptionFromNullOr(Schema.String),
  eta: Schema.OptionFromNullOr(Schema.DateFromSelf),
  createdAt: Schema.DateFromSelf,
  paidAt: Schema.OptionFromNullOr(Schema.DateFromSelf),
  deliveredAt: Schema.OptionFromNullOr(Schema.DateFromSelf)
}) {}

export class Orders extends Context.Tag("whatsapp-astria-bot/Orders")<
  Orders,
  {
    readonly create: (order: OrderRecord) => Effect.Effect<void, StorageUnavailable>
    readonly get: (id: OrderId) => Effect.Effect<Option.Option<OrderRecord>, StorageUnavailable>
    readonly listForUser: (userId: UserId) => Effect.Effect<ReadonlyArray<OrderRecord>, StorageUnavailable>
    /** Moves `awaiting_payment` to `paid`; false when the order was not awaiting payment (a repeat). */
    readonly markPaid: (id: OrderId, at: Date) => Effect.Effect<boolean, StorageUnavailable>
    readonly markPaymentMismatch: (id: OrderId) => Effect.Effect<void, StorageUnavailable>
    /** The Astria tune exists: `paid` to `training`, with its ETA and the callback secret's hash. */
    readonly startTraining: (
      id: OrderId,
      tuneId: TuneId,
      eta: Option.Option<Date>,
      callbackTokenHash: string
    ) => Effect.Effect<void, StorageUnavailable>
    /** False when already delivered (a repeated callback, or the reconciler got there first). */
    readonly markDelivered: (id: OrderId, at: Date) => Effect.Effect<boolean, StorageUnavailable>
    /** Orders in training whose ETA plus `grace` has passed: their callback is overdue. */
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
