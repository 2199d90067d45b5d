import { availableParallelism } from "node:os"
import { Config } from "effect"

const positiveInteger = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.withDefault(fallback),
    Config.validate({ message: `${name} must be a positive integer`, validation: (n) => n > 0 })
  )

const nonNegativeNumber = (name: string, fallback: number) =>
  Config.number(name).pipe(
    Config.withDefault(fallback),
    Config.validate({ message: `${name} must be zero or more`, validation: (n) => n >= 0 })
  )

/**
 * Thresholds and resources of the sharp photo checks. The defaults are calibrated on real photos
 * in test/photos (the same photo blurred, darkened, washed out, shrunk, re-encoded).
 */
export const PhotoCheckConfig = Config.all({
  /** Shorter side, in pixels, below which a photo is too small (Astria trains on 512 px crops). */
  minShortSide: positiveInteger("PHOTO_MIN_SHORT_SIDE", 512),
  /** Longest side of the stored JPEG. */
  maxLongSide: positiveInteger("PHOTO_MAX_LONG_SIDE", 2048),
  /** Declared width x height above which a photo is refused unread (decompression bombs). */
  maxInputPixels: positiveInteger("PHOTO_MAX_INPUT_PIXELS", 100_000_000),
  /** Laplacian variance per 1000 of the luma variance (see analysis.ts) below which a photo is blurry. */
  minSharpness: nonNegativeNumber("PHOTO_MIN_SHARPNESS", 12),
  /** Mean luma (0..255) below which a photo is too dark. */
  minLuminance: nonNegativeNumber("PHOTO_MIN_LUMINANCE", 40),
  /** Mean luma (0..255) above which a photo is washed out. */
  maxLuminance: nonNegativeNumber("PHOTO_MAX_LUMINANCE", 205),
  /** Hamming distance between difference hashes at or below which a photo duplicates an earlier one. */
  duplicateMaxDistance: Config.integer("PHOTO_DUPLICATE_MAX_DISTANCE").pipe(Config.withDefault(6)),
  /** Longest side of the luma buffer the blur, light and hash measures are taken on. */
  analysisLongSide: positiveInteger("PHOTO_ANALYSIS_LONG_SIDE", 1024),
  jpegQuality: positiveInteger("PHOTO_JPEG_QUALITY", 90).pipe(
    Config.validate({ message: "PHOTO_JPEG_QUALITY must be 1..100", validation: (q) => q <= 100 })
  ),
  /** Photos processed at once; more only queue (each holds a decoded image in memory). */
  maxParallel: positiveInteger("PHOTO_MAX_PARALLEL", availableParallelism()),
  /** libvips threads per photo; photos in parallel use the cores better than threads per photo. */
  threadsPerPhoto: positiveInteger("PHOTO_THREADS_PER_PHOTO", 1)
})
export type PhotoCheckConfig = Config.Config.Success<typeof PhotoCheckConfig>
