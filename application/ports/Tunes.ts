import { Context, Schema } from "effect"
import type { Effect } from "effect"
import { OrderId, TuneId, UserId } from "../../domain/ids.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/** A trained model of a user, which later orders can reuse until Astria deletes it. */
export class TuneRecord extends Schema.Class<TuneRecord>("TuneRecord")({
  id: TuneId,
  userId: UserId,
  orderId: OrderId,
  className: Schema.String,
  title: Schema.String,
  createdAt: Schema.DateFromSelf,
  expiresAt: Schema.OptionFromNullOr(Schema.DateFromSelf),
  expired: Schema.Boolean
}) {}

export class Tunes extends Context.Tag("whatsapp-astria-bot/Tunes")<
  Tunes,
  {
    readonly add: (tune: TuneRecord) => Effect.Effect<void, StorageUnavailable>
    /** The user's models that are not expired at `now`, newest first. */
    readonly savedForUser: (userId: UserId, now: Date) => Effect.Effect<ReadonlyArray<TuneRecord>, StorageUnavailable>
    readonly listForUser: (userId: UserId) => Effect.Effect<ReadonlyArray<TuneRecord>, StorageUnavailable>
    /** Marks tunes past their expiry; returns how many. */
    readonly markExpired: (now: Date) => Effect.Effect<number, StorageUnavailable>
    readonly deleteForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
