import type { Effect } from "effect"
import { Context, Either, Encoding, Schema } from "effect"
import type { AuthenticationFailed, MessengerUnavailable, RateLimited } from "./Messenger.js"

/**
 * Where the photos people send come from. WhatsApp's media URLs live 5 minutes and its media ids
 * 7 days, so a photo is downloaded as soon as it is announced, and checked against the SHA-256
 * Meta gave for it. A download is bounded: a document may be 100 MB, which a selfie never is.
 */

export interface DownloadedMedia {
  readonly bytes: Uint8Array
  readonly mimeType: string
  /** Hex SHA-256 of `bytes`. */
  readonly sha256: string
}

export interface DownloadOptions {
  /**
   * The SHA-256 announced in the webhook (base64) or by the lookup (hex); the download fails with
   * MediaIntegrityFailed when the bytes do not match.
   */
  readonly expectedSha256?: string
}

/** No media with this id (never existed, deleted, or past its 7 days). */
export class MediaNotFound extends Schema.TaggedError<MediaNotFound>()("MediaNotFound", {
  mediaId: Schema.String
}) {}

/** The media's download URL kept expiring before it could be fetched. */
export class MediaExpired extends Schema.TaggedError<MediaExpired>()("MediaExpired", {
  mediaId: Schema.String
}) {}

/** The bytes received are not the ones announced (truncated or altered). */
export class MediaIntegrityFailed extends Schema.TaggedError<MediaIntegrityFailed>()("MediaIntegrityFailed", {
  mediaId: Schema.String,
  expected: Schema.String,
  actual: Schema.String
}) {}

/**
 * The media is larger than this bot downloads (a setting): refused from the size Meta declared,
 * before any byte is fetched, or while reading when the body runs past the limit.
 */
export class MediaTooLarge extends Schema.TaggedError<MediaTooLarge>()("MediaTooLarge", {
  mediaId: Schema.String,
  maxBytes: Schema.Number,
  /** The size Meta declared, when the refusal came from it. */
  declaredBytes: Schema.optional(Schema.Number)
}) {}

export type DownloadError =
  | MediaNotFound
  | MediaTooLarge
  | MediaExpired
  | MediaIntegrityFailed
  | AuthenticationFailed
  | RateLimited
  | MessengerUnavailable

export interface MediaSourceService {
  readonly download: (mediaId: string, options?: DownloadOptions) => Effect.Effect<DownloadedMedia, DownloadError>
}

export class MediaSource extends Context.Tag("whatsapp-astria-bot/MediaSource")<MediaSource, MediaSourceService>() {}

/**
 * Whether an announced SHA-256 (hex, or base64 as webhooks carry it) names the digest given in hex.
 * Pure, so that every adapter compares the same way.
 */
export const sha256Matches = (announced: string, actualHex: string): boolean => {
  const trimmed = announced.trim()
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return trimmed.toLowerCase() === actualHex.toLowerCase()
  return Either.match(Encoding.decodeBase64(trimmed), {
    onLeft: () => false,
    onRight: (digest) => Encoding.encodeHex(digest) === actualHex.toLowerCase()
  })
}
