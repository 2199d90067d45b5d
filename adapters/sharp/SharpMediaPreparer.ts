import { FetchHttpClient, HttpClient } from "@effect/platform"
import { Config, Duration, Effect, Layer } from "effect"
import {
  MediaPreparer,
  MediaUnreachable,
  MediaUnusable,
  type PrepareError,
  type PreparedKind,
  type PreparedMedia
} from "../../application/ports/MediaPreparer.js"
import { mediaSizeLimits } from "../../contracts/whatsapp/Send.js"
import { boundedDownload } from "../http-fetch/boundedDownload.js"
import { loadSharp } from "./loadSharp.js"
import { sniffPhotoFormat } from "./sniff.js"

const positiveInteger = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.withDefault(fallback),
    Config.validate({ message: `${name} must be a positive integer`, validation: (n) => n > 0 })
  )

/** Settings of the sharp media preparer; WhatsApp's size limits are Meta's, not settings. */
export const MediaPrepareConfig = Config.all({
  /** For one whole download, body included. */
  fetchTimeout: Config.duration("MEDIA_FETCH_TIMEOUT").pipe(Config.withDefault(Duration.seconds(60))),
  /** Declared width x height above which an image is not decoded (decompression bombs): sent as a document. */
  maxInputPixels: positiveInteger("MEDIA_MAX_INPUT_PIXELS", 100_000_000),
  /** Links prepared at once; more queue (each may hold 100 MB and a decoded image in memory). */
  maxParallel: positiveInteger("MEDIA_PREPARE_MAX_PARALLEL", 2)
})
export type MediaPrepareConfig = Config.Config.Success<typeof MediaPrepareConfig>

type MediaFormat = "jpeg" | "png" | "webp" | "avif" | "heic" | "gif" | "tiff" | "mp4" | "pdf"

const startsWith = (bytes: Uint8Array, offset: number, signature: string) =>
  bytes.length >= offset + signature.length && Array.from(signature).every((char, i) => bytes[offset + i] === char.charCodeAt(0))

const MP4_BRANDS = new Set(["isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "dash", "M4V ", "mmp4", "MSNV"])

/** An ISO media file (ftyp box) whose major or compatible brands say MP4 (QuickTime's `qt  ` does not). */
const isMp4 = (bytes: Uint8Array) => {
  if (!startsWith(bytes, 4, "ftyp") || bytes.length < 12) return false
  const boxSize = Math.min(((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0, bytes.length)
  const brands: Array<string> = []
  for (let at = 8; at + 4 <= boxSize; at += at === 8 ? 8 : 4) brands.push(String.fromCharCode(...bytes.subarray(at, at + 4)))
  return brands.some((brand) => MP4_BRANDS.has(brand))
}

/** What the bytes are, from their magic numbers: the link and its Content-Type are never trusted. */
const sniffMedia = (bytes: Uint8Array): MediaFormat | undefined => {
  const photo = sniffPhotoFormat(bytes)
  if (photo !== undefined) return photo
  if (startsWith(bytes, 0, "GIF87a") || startsWith(bytes, 0, "GIF89a")) return "gif"
  if (startsWith(bytes, 0, "II*\u0000") || startsWith(bytes, 0, "MM\u0000*")) return "tiff"
  if (isMp4(bytes)) return "mp4"
  if (startsWith(bytes, 0, "%PDF-")) return "pdf"
  return undefined
}

const extensionOf: Record<MediaFormat, string> = {
  jpeg: "jpg",
  png: "png",
  webp: "webp",
  avif: "avif",
  heic: "heic",
  gif: "gif",
  tiff: "tif",
  mp4: "mp4",
  pdf: "pdf"
}

/** The link's last path segment without its extension, in characters safe in any file name. */
const baseNameOf = (url: string) => {
  const segment = URL.canParse(url) ? new URL(url).pathname.split("/").filter((part) => part.length > 0).at(-1) : undefined
  const base = (segment ?? "").replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, 80)
  return base.length > 0 ? base : "media"
}

/** Longest side of a re-encoded image: WhatsApp shows far less, and it bounds the decoded pixels held. */
const maxLongSide = 4096

/** Long sides and JPEG qualities tried in turn until the image fits: quality first, then size. */
const encodingSteps = (start: number): ReadonlyArray<{ readonly longSide: number; readonly quality: number }> => {
  const steps = [
    { longSide: start, quality: 88 },
    { longSide: start, quality: 78 }
  ]
  for (let side = Math.floor(start * 0.75); side >= 256; side = Math.floor(side * 0.75)) steps.push({ longSide: side, quality: 78 })
  return steps
}

export const makeSharpMediaPreparer = (config: MediaPrepareConfig) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const permits = yield* Effect.makeSemaphore(config.maxParallel)

    const prepared = (url: string, kind: PreparedKind, bytes: Uint8Array, mimeType: string, extension: string): PreparedMedia => ({
      kind,
      bytes,
      mimeType,
      fileName: `${baseNameOf(url)}.${extension}`
    })

    /** Whether sharp reads the header as the format sniffed (a PNG signature on garbage is no PNG). */
    const decodesAs = (bytes: Uint8Array, format: "jpeg" | "png") =>
      Effect.flatMap(loadSharp, (sharp) => Effect.tryPromise(() => sharp(bytes, { limitInputPixels: false }).metadata())).pipe(
        Effect.map((header) => header.format === format && header.width > 0 && header.height > 0),
        Effect.orElseSucceed(() => false)
      )

    /** A JPEG within WhatsApp's image limit, or None when the image cannot be decoded. */
    const toJpeg = (bytes: Uint8Array) =>
      Effect.flatMap(loadSharp, (sharp) =>
        Effect.tryPromise({
          try: async () => {
            // One decode (oriented, flattened onto white as JPEG has no alpha), then only encodes.
            const { data, info } = await sharp(bytes, { autoOrient: true, limitInputPixels: config.maxInputPixels })
              .resize({ width: maxLongSide, height: maxLongSide, fit: "inside", withoutEnlargement: true })
              .flatten({ background: "#ffffff" })
              .toColourspace("srgb")
              .raw()
              .toBuffer({ resolveWithObject: true })
            const raw = { raw: { width: info.width, height: info.height, channels: info.channels } }
            for (const step of encodingSteps(Math.max(info.width, info.height))) {
              const jpeg = await sharp(data, raw)
                .resize({ width: step.longSide, height: step.longSide, fit: "inside", withoutEnlargement: true })
                .jpeg({ quality: step.quality })
                .toBuffer()
              if (jpeg.length <= mediaSizeLimits.image) return jpeg
            }
            return undefined
          },
          catch: (error) => (error instanceof Error ? error.message : String(error))
        })
      ).pipe(
        Effect.tapError((error) => Effect.logInfo("An image sharp could not re-encode goes as a document", { error })),
        Effect.orElseSucceed(() => undefined)
      )

    const asDocument = (url: string, bytes: Uint8Array, format: MediaFormat | undefined) =>
      format === "pdf"
        ? prepared(url, "document", bytes, "application/pdf", "pdf")
        : // Under its own image or video type Meta would hold a document to that kind's lower limit.
          prepared(url, "document", bytes, "application/octet-stream", format === undefined ? "bin" : extensionOf[format])

    const fit = (url: string, bytes: Uint8Array) =>
      Effect.gen(function* () {
        const format = sniffMedia(bytes)
        if ((format === "jpeg" || format === "png") && bytes.length <= mediaSizeLimits.image && (yield* decodesAs(bytes, format))) {
          return prepared(url, "image", bytes, `image/${format}`, extensionOf[format])
        }
        if (format === "mp4" && bytes.length <= mediaSizeLimits.video) return prepared(url, "video", bytes, "video/mp4", "mp4")
        if (format !== undefined && format !== "mp4" && format !== "pdf") {
          const jpeg = yield* toJpeg(bytes)
          if (jpeg !== undefined) return prepared(url, "image", jpeg, "image/jpeg", "jpg")
        }
        return asDocument(url, bytes, format)
      })

    const prepare = (url: string) =>
      // Beyond WhatsApp's document limit nothing can be sent: the download stops there, unusable.
      boundedDownload(url, { timeout: config.fetchTimeout, maxBytes: mediaSizeLimits.document }).pipe(
        // Not retried here: the outbound sender retries an unreachable link later.
        Effect.mapError(
          (error): PrepareError =>
            error._tag === "DownloadUnavailable"
              ? new MediaUnreachable({ message: error.message })
              : new MediaUnusable({ message: error.message })
        ),
        Effect.flatMap((bytes) => fit(url, bytes)),
        Effect.provideService(HttpClient.HttpClient, client),
        permits.withPermits(1),
        Effect.withSpan("MediaPreparer.prepare")
      )

    return MediaPreparer.of({ prepare })
  })

/** The sharp media preparer over fetch, configured from the environment (see MediaPrepareConfig). */
export const SharpMediaPreparerLive = Layer.effect(MediaPreparer, Effect.flatMap(MediaPrepareConfig, makeSharpMediaPreparer)).pipe(
  Layer.provide(FetchHttpClient.layer)
)

/** The same with explicit settings, over the HttpClient given (tests, embedding teams). */
export const sharpMediaPreparerLayer = (config: MediaPrepareConfig) => Layer.effect(MediaPreparer, makeSharpMediaPreparer(config))
