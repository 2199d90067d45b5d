import { Context, Schema } from "effect"
import type { Effect } from "effect"
import { PhotoId, UserId } from "../../domain/ids.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/** An accepted photo, normalized (JPEG, oriented, no metadata), kept in the database until training is done. */
export class StoredPhoto extends Schema.Class<StoredPhoto>("StoredPhoto")({
  id: PhotoId,
  userId: UserId,
  /** The WhatsApp message it came in; one photo per message. */
  sourceMessageId: Schema.String,
  bytes: Schema.Uint8ArrayFromSelf,
  /** Perceptual hash, for near-duplicate checks against later photos. */
  hash: Schema.String,
  width: Schema.Int,
  height: Schema.Int,
  createdAt: Schema.DateFromSelf
}) {}

export class Photos extends Context.Tag("whatsapp-astria-bot/Photos")<
  Photos,
  {
    /** False when a photo from this message was already stored (a redelivered event). */
    readonly add: (photo: StoredPhoto) => Effect.Effect<boolean, StorageUnavailable>
    readonly countForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
    readonly hashesForUser: (userId: UserId) => Effect.Effect<ReadonlyArray<string>, StorageUnavailable>
    readonly listForUser: (userId: UserId) => Effect.Effect<ReadonlyArray<StoredPhoto>, StorageUnavailable>
    readonly deleteForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
    /** Photos of users who never paid, older than the cutoff. */
    readonly deleteUnpaidOlderThan: (cutoff: Date) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
