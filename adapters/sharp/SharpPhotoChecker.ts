import { Effect, Layer } from "effect"
import type { Metadata } from "sharp"
import {
  PhotoCheckFailed,
  PhotoCheckOutcome,
  PhotoChecker,
  hammingDistance,
  type PhotoFormat,
  type PhotoToCheck
} from "../../application/ports/PhotoChecker.js"
import { firstRejection, type PhotoRejectionReason } from "../../domain/photos/PhotoRejection.js"
import { analyse } from "./analysis.js"
import { isSrgbProfile } from "./icc.js"
import { jpegScaleDenominator, scaledJpegInput } from "./jpegScale.js"
import { loadSharp, type Sharp } from "./loadSharp.js"
import { PhotoCheckConfig } from "./PhotoCheckConfig.js"
import { sniffPhotoFormat } from "./sniff.js"

const formatOf = (sniffed: PhotoFormat, header: Metadata): PhotoFormat | undefined => {
  switch (header.format) {
    case "jpeg":
    case "png":
    case "webp":
      return sniffed === header.format ? header.format : undefined
    case "heif":
      if (sniffed !== "heic" && sniffed !== "avif") return undefined
      return header.compression === "av1" ? "avif" : "heic"
    default:
      return undefined
  }
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error))

export const makeSharpPhotoChecker = (config: PhotoCheckConfig) =>
  Effect.gen(function* () {
    const permits = yield* Effect.makeSemaphore(config.maxParallel)
    // Loaded by the first check, not the build (loadSharp.ts); its settings are the process's.
    const configuredSharp = yield* Effect.cached(
      Effect.tap(loadSharp, (sharp) =>
        Effect.sync(() => {
          // The cache keeps decoded inputs for reuse that never comes (every photo is new): memory only.
          sharp.cache(false)
          sharp.concurrency(config.threadsPerPhoto)
        })
      )
    )

    const rejected = (
      reason: PhotoRejectionReason,
      detail: string,
      extra: Pick<Extract<PhotoCheckOutcome, { _tag: "Rejected" }>, "format" | "measures"> = {}
    ) => PhotoCheckOutcome.Rejected({ reason, detail, ...extra })

    /**
     * The one decode: oriented, scaled, flattened, as raw pixels that both the measures and the
     * encoder use. A large JPEG is decoded by libjpeg straight at 1/2, 1/4 or 1/8 scale (the largest
     * at or below the limit, see jpegScale.ts); other formats are resized to the limit.
     */
    const decode = (sharp: Sharp, bytes: Uint8Array, format: PhotoFormat, header: Metadata) =>
      Effect.gen(function* () {
        const denominator =
          format === "jpeg" ? jpegScaleDenominator(Math.max(header.width, header.height), config.maxLongSide) : 1
        const input =
          denominator === 1
            ? bytes
            : yield* scaledJpegInput(bytes, denominator).pipe(
                Effect.catchAll((error) =>
                  Effect.logWarning("cannot write a temporary file: the photo is decoded at full size", error).pipe(
                    Effect.as(bytes)
                  )
                )
              )
        let pipeline = sharp(input, {
          autoOrient: true,
          failOn: "truncated",
          limitInputPixels: config.maxInputPixels,
          ignoreIcc: isSrgbProfile(header.icc)
        }).resize({ width: config.maxLongSide, height: config.maxLongSide, fit: "inside", withoutEnlargement: true })
        if (header.hasAlpha) pipeline = pipeline.flatten({ background: "#ffffff" })
        return yield* Effect.tryPromise(() => pipeline.raw().toBuffer({ resolveWithObject: true })).pipe(Effect.either)
      }).pipe(Effect.scoped)

    const check = (photo: PhotoToCheck) =>
      Effect.gen(function* () {
        const sniffed = sniffPhotoFormat(photo.bytes)
        if (sniffed === undefined) return rejected("unreadable", "not a JPEG, PNG, WebP, HEIC or AVIF file")
        const sharp = yield* configuredSharp

        // Only the header is read here (so no limit yet): ours is enforced before anything is decoded.
        const header = yield* Effect.tryPromise(() => sharp(photo.bytes, { limitInputPixels: false }).metadata()).pipe(
          Effect.option
        )
        if (header._tag === "None") return rejected("unreadable", `unreadable ${sniffed} header`)
        const format = formatOf(sniffed, header.value)
        if (format === undefined) return rejected("unreadable", `bytes say ${sniffed}, decoder says ${header.value.format}`)
        const { width, height } = header.value
        if (!(width > 0 && height > 0)) return rejected("unreadable", "no dimensions", { format })
        if (width * height > config.maxInputPixels) {
          return rejected("unreadable", `${width}x${height} exceeds ${config.maxInputPixels} pixels`, { format })
        }
        // From the header too: a small photo is not worth decoding (were its pixels also corrupt,
        // "send a bigger photo" is still the useful answer).
        if (Math.min(width, height) < config.minShortSide) {
          return rejected("too_small", `${width}x${height}`, { format })
        }

        const decoded = yield* decode(sharp, photo.bytes, format, header.value)
        if (decoded._tag === "Left") {
          return rejected("unreadable", `cannot decode ${format}: ${errorMessage(decoded.left.error)}`, { format })
        }
        const { data, info } = decoded.right
        const analysis = analyse(
          { data, width: info.width, height: info.height, channels: info.channels },
          config.analysisLongSide
        )
        const measures = { luminance: analysis.luminance, sharpness: analysis.sharpness }
        const found: Array<PhotoRejectionReason> = []
        if (analysis.sharpness < config.minSharpness) found.push("blurry")
        if (analysis.luminance < config.minLuminance) found.push("too_dark")
        if (analysis.luminance > config.maxLuminance) found.push("washed_out")
        const twin = photo.earlierHashes.find(
          (earlier) => hammingDistance(earlier, analysis.hash) <= config.duplicateMaxDistance
        )
        if (twin !== undefined) found.push("duplicate")
        const reason = firstRejection(found)
        if (reason !== undefined) {
          const detail =
            reason === "duplicate"
              ? `looks like ${twin}`
              : `luminance ${measures.luminance.toFixed(1)}, sharpness ${measures.sharpness.toFixed(1)}`
          return rejected(reason, detail, { format, measures })
        }

        // A new sharp instance over the raw pixels writes no metadata at all: EXIF (GPS included),
        // XMP, IPTC and ICC are gone, and the orientation is already applied.
        const jpeg = yield* Effect.tryPromise({
          try: () =>
            sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
              // Huffman optimisation would triple the encode time for 1% smaller files.
              .jpeg({ quality: config.jpegQuality, optimiseCoding: false })
              .toBuffer(),
          catch: (error) => new PhotoCheckFailed({ reason: `JPEG encode failed: ${errorMessage(error)}` })
        })
        return PhotoCheckOutcome.Accepted({
          jpeg: new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength),
          width: info.width,
          height: info.height,
          hash: analysis.hash,
          format,
          measures
        })
      }).pipe(permits.withPermits(1))

    return PhotoChecker.of({ check })
  })

/** The sharp (libvips) photo checker, configured from the environment (see PhotoCheckConfig). */
export const SharpPhotoCheckerLive = Layer.effect(
  PhotoChecker,
  Effect.flatMap(PhotoCheckConfig, makeSharpPhotoChecker)
)

/** The same with explicit settings (tests, benchmarks, embedding teams without env settings). */
export const sharpPhotoCheckerLayer = (config: PhotoCheckConfig) =>
  Layer.effect(PhotoChecker, makeSharpPhotoChecker(config))
