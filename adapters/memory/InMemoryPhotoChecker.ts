import { Effect, Layer, Schema } from "effect"
import {
  PerceptualHash,
  PhotoCheckOutcome,
  PhotoChecker,
  type PhotoFormat,
  type PhotoToCheck
} from "../../application/ports/PhotoChecker.js"
import { PhotoRejectionReason, firstRejection } from "../../domain/photos/PhotoRejection.js"

/**
 * The marker that tells the fake what a real checker would find in a photo, anywhere in its bytes
 * (tests append it, or put it in a JPEG comment): `fake-photo:blurry,too_dark;` for verdicts,
 * `fake-photo:id=selfie-1;` for identity (photos with the same id are duplicates).
 */
export const FAKE_PHOTO_MARKER = "fake-photo:"

export const fakePhotoMarker = (tokens: ReadonlyArray<string>) =>
  new TextEncoder().encode(`${FAKE_PHOTO_MARKER}${tokens.join(",")};`)

export interface InMemoryPhotoCheckerOptions {
  readonly minShortSide?: number
  readonly maxInputPixels?: number
}

const NEUTRAL_MEASURES = { luminance: 128, sharpness: 100 }
const isReason = Schema.is(PhotoRejectionReason)

const uint16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!
const uint32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0
const text = (b: Uint8Array, at: number, length: number) => String.fromCharCode(...b.subarray(at, at + length))

/** Format and declared dimensions from the header alone, as cheaply as a fake should. */
const readHeader = (b: Uint8Array): { format: PhotoFormat; width: number; height: number } | undefined => {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    let at = 2
    while (at + 9 < b.length && b[at] === 0xff) {
      const marker = b[at + 1]!
      const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
      if (isFrame) return { format: "jpeg", height: uint16(b, at + 5), width: uint16(b, at + 7) }
      at += 2 + uint16(b, at + 2)
    }
    return undefined
  }
  if (text(b, 1, 3) === "PNG" && text(b, 12, 4) === "IHDR") {
    return { format: "png", width: uint32(b, 16), height: uint32(b, 20) }
  }
  if (text(b, 0, 4) === "RIFF" && text(b, 8, 4) === "WEBP") {
    const chunk = text(b, 12, 4)
    const u24 = (at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)
    if (chunk === "VP8X") return { format: "webp", width: u24(24) + 1, height: u24(27) + 1 }
    if (chunk === "VP8 ") return { format: "webp", width: uint16le(b, 26) & 0x3fff, height: uint16le(b, 28) & 0x3fff }
    if (chunk === "VP8L") {
      const bits = uint32le(b, 21)
      return { format: "webp", width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 }
    }
    return undefined
  }
  if (text(b, 4, 4) === "ftyp") {
    const format: PhotoFormat = text(b, 8, 4).startsWith("avi") ? "avif" : "heic"
    const ispe = Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf("ispe")
    return ispe < 0 ? undefined : { format, width: uint32(b, ispe + 8), height: uint32(b, ispe + 12) }
  }
  return undefined
}
const uint16le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8)
const uint32le = (b: Uint8Array, at: number) => (uint16le(b, at) | (uint16le(b, at + 2) << 16)) >>> 0

/** 64-bit FNV-1a, as the fake's "perceptual" hash: equal only for the same id (or the same bytes). */
const fnv1a64 = (input: Uint8Array): PerceptualHash => {
  let hash = 0xcbf29ce484222325n
  for (const byte of input) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n)
  return PerceptualHash.make(hash.toString(16).padStart(16, "0"))
}

/**
 * A photo checker without image decoding, for fast tests and for teams embedding the bot: it reads
 * the format and dimensions from the header (so too small, bombs and non-images behave as in the
 * real checker), and takes the rest from a marker in the bytes (see FAKE_PHOTO_MARKER). Accepted
 * photos come back as they were sent: it does not re-encode.
 */
export const makeInMemoryPhotoChecker = (options: InMemoryPhotoCheckerOptions = {}) => {
  const minShortSide = options.minShortSide ?? 512
  const maxInputPixels = options.maxInputPixels ?? 100_000_000
  const check = (photo: PhotoToCheck) =>
    Effect.sync(() => {
      const header = readHeader(photo.bytes)
      if (header === undefined || header.width === 0 || header.height === 0) {
        return PhotoCheckOutcome.Rejected({ reason: "unreadable", detail: "no image header" })
      }
      const { format, width, height } = header
      if (width * height > maxInputPixels) {
        return PhotoCheckOutcome.Rejected({ reason: "unreadable", detail: `${width}x${height} exceeds the pixel limit`, format })
      }
      if (Math.min(width, height) < minShortSide) {
        return PhotoCheckOutcome.Rejected({ reason: "too_small", detail: `${width}x${height}`, format })
      }
      const bytes = Buffer.from(photo.bytes.buffer, photo.bytes.byteOffset, photo.bytes.byteLength)
      const at = bytes.indexOf(FAKE_PHOTO_MARKER)
      const end = at < 0 ? -1 : bytes.indexOf(";", at)
      const tokens = at < 0 || end < 0 ? [] : bytes.toString("latin1", at + FAKE_PHOTO_MARKER.length, end).split(",")
      const id = tokens.find((token) => token.startsWith("id="))
      const hash = fnv1a64(id === undefined ? photo.bytes : new TextEncoder().encode(id))
      const found = tokens.filter(isReason)
      if (photo.earlierHashes.includes(hash)) found.push("duplicate")
      const reason = firstRejection(found)
      if (reason !== undefined) {
        return PhotoCheckOutcome.Rejected({ reason, detail: "marked", format, measures: NEUTRAL_MEASURES })
      }
      return PhotoCheckOutcome.Accepted({ jpeg: photo.bytes, width, height, hash, format, measures: NEUTRAL_MEASURES })
    })
  return PhotoChecker.of({ check })
}

export const InMemoryPhotoChecker = {
  layer: (options: InMemoryPhotoCheckerOptions = {}) => Layer.succeed(PhotoChecker, makeInMemoryPhotoChecker(options))
}
