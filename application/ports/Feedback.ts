import { Context, Schema } from "effect"
import type { Effect } from "effect"
import { OrderId, UserId } from "../../domain/ids.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

export class RatingRecord extends Schema.Class<RatingRecord>("RatingRecord")({
  userId: UserId,
  orderId: Schema.OptionFromNullOr(OrderId),
  stars: Schema.Int.pipe(Schema.between(1, 5)),
  at: Schema.DateFromSelf
}) {}

export class FeedbackRecord extends Schema.Class<FeedbackRecord>("FeedbackRecord")({
  id: Schema.UUID,
  userId: UserId,
  orderId: Schema.OptionFromNullOr(OrderId),
  text: Schema.String,
  at: Schema.DateFromSelf,
  handled: Schema.Boolean
}) {}

/** Ratings and the written feedback that follows a low one; support works through the latter. */
export class Feedback extends Context.Tag("whatsapp-astria-bot/Feedback")<
  Feedback,
  {
    readonly addRating: (rating: RatingRecord) => Effect.Effect<void, StorageUnavailable>
    readonly addFeedback: (feedback: FeedbackRecord) => Effect.Effect<void, StorageUnavailable>
    readonly awaitingSupport: Effect.Effect<ReadonlyArray<FeedbackRecord>, StorageUnavailable>
    readonly deleteForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
