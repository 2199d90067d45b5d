import { createHash } from "node:crypto"
import { Stream } from "effect"
import type { MediaSpec } from "./model.js"

/**
 * What a media id serves: given bytes, or a generated body of any size made of views of one
 * 64 KiB pattern (never held whole), with the size its look-up declares.
 */
export interface MediaContent {
  readonly mimeType: string
  /** The body's true length. */
  readonly size: number
  /** The look-up's `file_size`. */
  readonly declaredSize: number
  readonly sendContentLength: boolean
  readonly chunks: () => Stream.Stream<Uint8Array>
  readonly bytes: () => Uint8Array
  /** Hex SHA-256 of the body, computed once when first asked. */
  readonly sha256: () => string
}

const chunkSize = 64 * 1024
/** The generated body's bytes: a pattern that is not all zeros, so a truncation shows in the digest. */
const pattern = Uint8Array.from({ length: chunkSize }, (_, i) => i % 251)

const generatedChunks = (size: number): ReadonlyArray<Uint8Array> =>
  Array.from({ length: Math.ceil(size / chunkSize) }, (_, n) => pattern.subarray(0, Math.min(chunkSize, size - n * chunkSize)))

const memo = (compute: () => string) => {
  let value: string | undefined
  return () => (value ??= compute())
}

export const bytesContent = (bytes: Uint8Array, mimeType: string): MediaContent => {
  const copy = Uint8Array.from(bytes)
  return {
    mimeType,
    size: copy.length,
    declaredSize: copy.length,
    sendContentLength: true,
    chunks: () => Stream.make(copy),
    bytes: () => copy,
    sha256: memo(() => createHash("sha256").update(copy).digest("hex"))
  }
}

export const specContent = (spec: MediaSpec): MediaContent => {
  if (spec.bytes !== undefined) {
    const content = bytesContent(spec.bytes, spec.mimeType)
    return { ...content, declaredSize: spec.declaredSize ?? content.size, sendContentLength: spec.contentLength !== false }
  }
  const size = spec.size ?? 0
  return {
    mimeType: spec.mimeType,
    size,
    declaredSize: spec.declaredSize ?? size,
    sendContentLength: spec.contentLength !== false,
    chunks: () => Stream.fromIterable(generatedChunks(size)),
    bytes: () => Buffer.concat(generatedChunks(size)),
    sha256: memo(() => generatedChunks(size).reduce((hash, chunk) => hash.update(chunk), createHash("sha256")).digest("hex"))
  }
}
