import { crc32 } from "node:zlib"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import type { Layer } from "effect"
import sharp, { type Sharp } from "sharp"
import { PhotoChecker, type PhotoCheckOutcome, type PhotoToCheck } from "../../application/ports/PhotoChecker.js"
import { fakePhotoMarker } from "../../adapters/memory/InMemoryPhotoChecker.js"
import { deterministicRandom } from "../deterministicRandom.js"


/**
 * A photo-like picture: soft colour shapes (what a hash sees) plus fine grain (what a blur measure
 * sees), different for each seed.
 */
const picture = (seed: number, width = 800, height = 600) => {
  const next = deterministicRandom(seed)
  const low = Buffer.from(Array.from({ length: 20 * 15 * 3 }, () => Math.floor(next() * 256)))
  return sharp(low, { raw: { width: 20, height: 15, channels: 3 } })
    .resize(width, height, { kernel: "cubic" })
    .raw()
    .toBuffer()
    .then((pixels) => {
      for (let i = 0; i < pixels.length; i += 3) {
        const grain = (next() - 0.5) * 24
        for (let c = 0; c < 3; c++) pixels[i + c] = Math.max(0, Math.min(255, pixels[i + c]! + grain))
      }
      return sharp(pixels, { raw: { width, height, channels: 3 } })
    })
}

/** Appends the marker a fake checker reads; real decoders ignore bytes after the image. */
const marked = (bytes: Uint8Array, ...tokens: ReadonlyArray<string>) =>
  new Uint8Array(Buffer.concat([bytes, fakePhotoMarker(tokens)]))

const pngChunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A valid PNG header declaring 50000 x 50000 pixels (2.5 gigapixels) over a few bytes of data. */
export const decompressionBomb = (): Uint8Array => {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(50_000, 0)
  header.writeUInt32BE(50_000, 4)
  header.set([8, 2, 0, 0, 0], 8)
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk("IHDR", header),
      pngChunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
      pngChunk("IEND", Buffer.alloc(0))
    ])
  )
}

const jpeg = (image: Sharp, quality = 90) => image.jpeg({ quality }).toBuffer().then((bytes) => new Uint8Array(bytes))

const buildSamples = async () => {
  const id = "id=contract-clear"
  const clear = await picture(1)
  const clearJpeg = await jpeg(clear.clone())
  return {
    clear: marked(clearJpeg, id),
    /** The same picture re-encoded at another quality: another file, the same photo. */
    reencoded: marked(await jpeg(clear.clone(), 60), id),
    clearPng: marked(new Uint8Array(await clear.clone().png().toBuffer())),
    clearWebp: marked(new Uint8Array(await clear.clone().webp({ quality: 90 }).toBuffer())),
    others: await Promise.all(
      Array.from({ length: 8 }, (_, i) => picture(100 + i).then((p) => jpeg(p)).then((b) => marked(b, `id=contract-other-${i}`)))
    ),
    square512: marked(await jpeg((await picture(2, 512, 512)).clone())),
    small: marked(await jpeg(clear.clone().resize(680, 511))),
    smallDark: marked(await jpeg(clear.clone().resize(680, 511).linear(0.15, 0)), "too_dark"),
    blurry: marked(await jpeg(clear.clone().blur(6)), "blurry"),
    dark: marked(await jpeg(clear.clone().linear(0.15, 0)), "too_dark"),
    washedOut: marked(await jpeg(clear.clone().linear(0.2, 204)), "washed_out"),
    blurryDark: marked(await jpeg(clear.clone().blur(6).linear(0.15, 0)), "blurry", "too_dark"),
    darkCopy: marked(await jpeg(clear.clone().linear(0.15, 0)), "too_dark", id)
  }
}
let samplesPromise: ReturnType<typeof buildSamples> | undefined
const samples = Effect.promise(() => (samplesPromise ??= buildSamples()))

const check = (photo: PhotoToCheck) => Effect.flatMap(PhotoChecker, (checker) => checker.check(photo))

const accepted = (outcome: PhotoCheckOutcome) => {
  if (outcome._tag !== "Accepted") throw new Error(`expected Accepted, got ${outcome.reason} (${outcome.detail})`)
  return outcome
}
const reasonOf = (outcome: PhotoCheckOutcome) => (outcome._tag === "Rejected" ? outcome.reason : "accepted")

const isJpeg = (bytes: Uint8Array) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff

/**
 * What every PhotoChecker adapter must do, on the same inputs. The samples are real images (so a
 * decoding checker measures them) that also carry the markers the in-memory fake reads.
 */
export const photoCheckerSuite = <E>(name: string, photoChecker: Layer.Layer<PhotoChecker, E>) =>
  layer(photoChecker)(`PhotoChecker contract: ${name}`, (it) => {
    it.effect("accepts a clear photo: a JPEG within 2048 px, its size, a 64-bit hash and the real format", () =>
      Effect.gen(function* () {
        const { clear } = yield* samples
        const outcome = accepted(yield* check({ bytes: clear, earlierHashes: [] }))
        expect(isJpeg(outcome.jpeg)).toBe(true)
        expect([outcome.width, outcome.height]).toEqual([800, 600])
        expect(outcome.hash).toMatch(/^[0-9a-f]{16}$/)
        expect(outcome.format).toBe("jpeg")
      }))

    it.effect("reads the format from the bytes, whatever MIME type the sender claimed", () =>
      Effect.gen(function* () {
        const { clear, clearPng, clearWebp } = yield* samples
        const png = accepted(yield* check({ bytes: clearPng, earlierHashes: [], declaredMimeType: "image/jpeg" }))
        expect(png.format).toBe("png")
        const webp = accepted(yield* check({ bytes: clearWebp, earlierHashes: [], declaredMimeType: "image/png" }))
        expect([webp.format, webp.width, webp.height]).toEqual(["webp", 800, 600])
        const jpg = accepted(yield* check({ bytes: clear, earlierHashes: [], declaredMimeType: "image/heic" }))
        expect(jpg.format).toBe("jpeg")
      }))

    it.effect("rejects what is not a supported image as unreadable", () =>
      Effect.gen(function* () {
        const text = new TextEncoder().encode("just some text, not a photo")
        const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900"/>')
        const gif = new Uint8Array([...new TextEncoder().encode("GIF89a"), 0x84, 0x03, 0x84, 0x03, 0, 0, 0])
        const garbage = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 400 }, (_, i) => (i * 37) % 256)])
        for (const bytes of [text, svg, gif, garbage, new Uint8Array(0)]) {
          expect(reasonOf(yield* check({ bytes, earlierHashes: [], declaredMimeType: "image/jpeg" }))).toBe("unreadable")
        }
      }))

    it.effect("refuses a decompression bomb from its header, without decoding it", () =>
      Effect.gen(function* () {
        const started = Date.now()
        const outcome = yield* check({ bytes: decompressionBomb(), earlierHashes: [] })
        expect(reasonOf(outcome)).toBe("unreadable")
        expect(Date.now() - started).toBeLessThan(2_000)
      }))

    it.effect("too small below a 512 px short side; 512 px itself is enough", () =>
      Effect.gen(function* () {
        const { small, square512 } = yield* samples
        expect(reasonOf(yield* check({ bytes: small, earlierHashes: [] }))).toBe("too_small")
        expect(reasonOf(yield* check({ bytes: square512, earlierHashes: [] }))).toBe("accepted")
      }))

    it.effect("blurry, too dark and washed out photos are rejected as such", () =>
      Effect.gen(function* () {
        const { blurry, dark, washedOut } = yield* samples
        expect(reasonOf(yield* check({ bytes: blurry, earlierHashes: [] }))).toBe("blurry")
        expect(reasonOf(yield* check({ bytes: dark, earlierHashes: [] }))).toBe("too_dark")
        expect(reasonOf(yield* check({ bytes: washedOut, earlierHashes: [] }))).toBe("washed_out")
      }))

    it.effect("a near-duplicate of an earlier photo is rejected; other earlier photos do not matter", () =>
      Effect.gen(function* () {
        const { clear, reencoded, others } = yield* samples
        const first = accepted(yield* check({ bytes: clear, earlierHashes: [] }))
        const other = accepted(yield* check({ bytes: others[0]!, earlierHashes: [] }))
        expect(other.hash).not.toBe(first.hash)
        expect(reasonOf(yield* check({ bytes: reencoded, earlierHashes: [other.hash, first.hash] }))).toBe("duplicate")
        expect(reasonOf(yield* check({ bytes: reencoded, earlierHashes: [other.hash] }))).toBe("accepted")
        expect(reasonOf(yield* check({ bytes: clear, earlierHashes: [] }))).toBe("accepted")
      }))

    it.effect("reports only the first reason, in the domain's order", () =>
      Effect.gen(function* () {
        const { smallDark, blurryDark, darkCopy, clear } = yield* samples
        const { hash } = accepted(yield* check({ bytes: clear, earlierHashes: [] }))
        expect(reasonOf(yield* check({ bytes: smallDark, earlierHashes: [] }))).toBe("too_small")
        expect(reasonOf(yield* check({ bytes: blurryDark, earlierHashes: [] }))).toBe("blurry")
        expect(reasonOf(yield* check({ bytes: darkCopy, earlierHashes: [hash] }))).toBe("too_dark")
      }))

    it.effect("checks a burst of photos at once, each on its own", () =>
      Effect.gen(function* () {
        const { others } = yield* samples
        const outcomes = yield* Effect.forEach(others, (bytes) => check({ bytes, earlierHashes: [] }), {
          concurrency: "unbounded"
        })
        const hashes = outcomes.map((outcome) => accepted(outcome).hash)
        expect(new Set(hashes).size).toBe(others.length)
      }))
  })
