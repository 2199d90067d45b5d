import { Context, Schema } from "effect"
import type { Effect } from "effect"

/**
 * The original Python bot's tables, as read for an import: `users`, `payments`, `ratings` and
 * a count of `pictures` (their WhatsApp media ids expired long ago, so only the count is read).
 */
export class LegacyUser extends Schema.Class<LegacyUser>("LegacyUser")({
  phone: Schema.String,
  /** 0 NEW, 1 PICTURESLOADED, 2 TUNEREADY, 3 WRITING_FEEDBACK. */
  state: Schema.Int,
  tuneId: Schema.NullOr(Schema.String),
  /** An Astria pack id. */
  chosenPack: Schema.NullOr(Schema.String),
  /** The class trained (man, woman, ...). */
  entityType: Schema.NullOr(Schema.String),
  /** 0 English, 1 Hebrew. */
  language: Schema.Int,
  pictures: Schema.Int
}) {}

/** A SUMIT payment id the original handled. */
export class LegacyPayment extends Schema.Class<LegacyPayment>("LegacyPayment")({
  id: Schema.String,
  /** A DATE, read as its ISO text: midnight UTC of that day. */
  date: Schema.Date
}) {}

export class LegacyRating extends Schema.Class<LegacyRating>("LegacyRating")({
  phone: Schema.NullOr(Schema.String),
  rating: Schema.NullOr(Schema.Int),
  date: Schema.NullOr(Schema.Date),
  feedback: Schema.NullOr(Schema.String)
}) {}

export interface LegacyData {
  readonly users: ReadonlyArray<LegacyUser>
  readonly payments: ReadonlyArray<LegacyPayment>
  readonly ratings: ReadonlyArray<LegacyRating>
}

/** The original's database could not be read: unreachable, or not the original's tables. */
export class LegacyDatabaseUnreadable extends Schema.TaggedError<LegacyDatabaseUnreadable>()("LegacyDatabaseUnreadable", {
  detail: Schema.String
}) {
  override get message(): string {
    return `The original bot's database could not be read: ${this.detail}`
  }
}

/** The original bot's database, read only. */
export class LegacyDatabase extends Context.Tag("whatsapp-astria-bot/LegacyDatabase")<
  LegacyDatabase,
  { readonly read: Effect.Effect<LegacyData, LegacyDatabaseUnreadable> }
>() {}
