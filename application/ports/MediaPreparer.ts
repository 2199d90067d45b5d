import type { Effect } from "effect"
import { Context, Schema } from "effect"

/**
 * The media preparer port: turns a link to media (Astria's generated images, pack covers) into
 * bytes WhatsApp accepts. Links may have no extension, name the wrong type, hold large PNGs or
 * videos, and WhatsApp fails a send whose link it cannot fetch or recognise; so the bytes are
 * fetched here, their real type sniffed, and they are fitted to WhatsApp's limits for their kind
 * (image/jpeg or image/png up to 5 MB, video/mp4 up to 16 MB, a document up to 100 MB) to be
 * uploaded and sent by media id.
 */

/** How WhatsApp will show the media. */
export const PreparedKind = Schema.Literal("image", "video", "document")
export type PreparedKind = typeof PreparedKind.Type

export interface PreparedMedia {
  readonly kind: PreparedKind
  readonly bytes: Uint8Array
  /** The type of `bytes` as sniffed (or re-encoded), never the one the link or its host claimed. */
  readonly mimeType: string
  /** A name with the extension of `mimeType`, for documents. */
  readonly fileName: string
}

/** The link could not be fetched for now (network, timeout, 5xx, 429): worth trying again later. */
export class MediaUnreachable extends Schema.TaggedError<MediaUnreachable>()("MediaUnreachable", {
  message: Schema.String
}) {}

/** The link will never give sendable media (gone, refused, too large, empty, not http): not retried. */
export class MediaUnusable extends Schema.TaggedError<MediaUnusable>()("MediaUnusable", {
  message: Schema.String
}) {}

export type PrepareError = MediaUnreachable | MediaUnusable

export interface MediaPreparerService {
  readonly prepare: (url: string) => Effect.Effect<PreparedMedia, PrepareError>
}

export class MediaPreparer extends Context.Tag("whatsapp-astria-bot/MediaPreparer")<MediaPreparer, MediaPreparerService>() {}
