import { Context, Data, Schema } from "effect"
import type { Effect } from "effect"
import type { PhotoRejectionReason } from "../../domain/photos/PhotoRejection.js"

/**
 * A perceptual (difference) hash of a photo: 64 bits as 16 lowercase hex digits. Photos whose
 * hashes differ in only a few bits look alike, whatever their encoding or size.
 */
export const PerceptualHash = Schema.String.pipe(
  Schema.pattern(/^[0-9a-f]{16}$/),
  Schema.brand("PerceptualHash")
)
export type PerceptualHash = typeof PerceptualHash.Type

/** Number of differing bits between two perceptual hashes (0 = look the same, 64 = opposite). */
export const hammingDistance = (a: PerceptualHash, b: PerceptualHash): number =>
  popCount32(parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) +
  popCount32(parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16))

const popCount32 = (value: number): number => {
  let v = value >>> 0
  v -= (v >>> 1) & 0x55555555
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/** The container format found in the bytes themselves (the MIME type a sender claims is ignored). */
export const PhotoFormat = Schema.Literal("jpeg", "png", "webp", "heic", "avif")
export type PhotoFormat = typeof PhotoFormat.Type

/** What the local checks measured, for logs and for tuning thresholds. */
export interface PhotoMeasures {
  /** Mean luma, 0 (black) to 255 (white). */
  readonly luminance: number
  /** Variance of the Laplacian at the analysis scale; low means blurry. */
  readonly sharpness: number
}

export interface PhotoToCheck {
  readonly bytes: Uint8Array
  /** Hashes of the photos this person already had accepted, for the near-duplicate check. */
  readonly earlierHashes: ReadonlyArray<PerceptualHash>
  /** What the sender claimed (WhatsApp's mime_type); informative only. */
  readonly declaredMimeType?: string
}

export type PhotoCheckOutcome = Data.TaggedEnum<{
  /** Normalized: orientation applied, no metadata, long side within the limit, JPEG. */
  Accepted: {
    readonly jpeg: Uint8Array
    readonly width: number
    readonly height: number
    readonly hash: PerceptualHash
    readonly format: PhotoFormat
    readonly measures: PhotoMeasures
  }
  /** The first reason, in the domain's reporting order, among those the local checks found. */
  Rejected: {
    readonly reason: PhotoRejectionReason
    /** Why, in a few words, for logs (never shown to the person). */
    readonly detail: string
    readonly format?: PhotoFormat
    readonly measures?: PhotoMeasures
  }
}>
export const PhotoCheckOutcome = Data.taggedEnum<PhotoCheckOutcome>()

/** The checker itself failed on a photo it could read (not a verdict about the photo). */
export class PhotoCheckFailed extends Schema.TaggedError<PhotoCheckFailed>()("PhotoCheckFailed", {
  reason: Schema.String
}) {}

/**
 * Local photo checks: the real format, size, blur, exposure and near-duplicates, and the
 * normalized JPEG that is stored and sent to Astria. Reasons that need a model (no person,
 * several people, funny face, sunglasses, hat) are Astria's inspection's, not this port's.
 */
export class PhotoChecker extends Context.Tag("whatsapp-astria-bot/PhotoChecker")<
  PhotoChecker,
  {
    readonly check: (photo: PhotoToCheck) => Effect.Effect<PhotoCheckOutcome, PhotoCheckFailed>
  }
>() {}
