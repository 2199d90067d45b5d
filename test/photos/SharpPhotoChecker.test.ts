import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import sharp, { type Sharp } from "sharp"
import {
  PhotoChecker,
  hammingDistance,
  type PhotoCheckOutcome,
  type PhotoToCheck
} from "../../application/ports/PhotoChecker.js"
import { PhotoCheckConfig } from "../../adapters/sharp/PhotoCheckConfig.js"
import { SharpPhotoCheckerLive, sharpPhotoCheckerLayer } from "../../adapters/sharp/SharpPhotoChecker.js"
import { analyse } from "../../adapters/sharp/analysis.js"
import { isSrgbProfile } from "../../adapters/sharp/icc.js"
import { deterministicRandom } from "../../testing/deterministicRandom.js"
import { ssim } from "../../testing/imageSimilarity.js"
import { decompressionBomb } from "../../testing/port-suites/PhotoCheckerSuite.js"

const root = join(import.meta.dirname, "../..")
const fixture = (name: string) => readFileSync(join(root, "test/fixtures/photos", name))
/** Real public-domain photographs of people (assets/examples/SOURCES.md). */
const realPhotos = ["astronaut.jpg", "cameraman.jpg", "grace_hopper.jpg"] as const

const defaults = Effect.runSync(PhotoCheckConfig.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))))
const checker = sharpPhotoCheckerLayer(defaults)

const check = (photo: PhotoToCheck) => Effect.flatMap(PhotoChecker, (c) => c.check(photo))
const reasonOf = (outcome: PhotoCheckOutcome) => (outcome._tag === "Rejected" ? outcome.reason : "accepted")
const accepted = (outcome: PhotoCheckOutcome) => {
  if (outcome._tag !== "Accepted") throw new Error(`expected Accepted, got ${outcome.reason} (${outcome.detail})`)
  return outcome
}
const jpeg = (image: Sharp, quality = 90) => Effect.promise(() => image.jpeg({ quality }).toBuffer())

/**
 * A fixture as a phone's 12 MP JPEG: scaled up to 4032x3024 and sharpened (a plain upscale reads
 * as blurry), with sensor grain, the fine detail a reduced decode could lose.
 */
const phonePhoto = (name: string) =>
  Effect.promise(async () => {
    const { data, info } = await sharp(fixture(name))
      .resize(4032, 3024, { fit: "cover", kernel: "cubic" })
      .sharpen({ sigma: 2 })
      .raw()
      .toBuffer({ resolveWithObject: true })
    const next = deterministicRandom(7)
    const grain = Int8Array.from({ length: 1 << 16 }, () => Math.round((next() - 0.5) * 12))
    for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.max(0, data[i]! + grain[(i * 7) & 0xffff]!))
    return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .jpeg({ quality: 85 })
      .toBuffer()
  })

describe("sharp PhotoChecker on real photographs", () => {
  it.layer(checker)((it) => {
    for (const name of realPhotos) {
      it.effect(`${name}: accepted as it is, and each degradation flips exactly its own verdict`, () =>
        Effect.gen(function* () {
          const original = fixture(name)
          const base = accepted(yield* check({ bytes: original, earlierHashes: [] }))
          const { width, height } = yield* Effect.promise(() => sharp(original).metadata())
          expect([base.width, base.height]).toEqual([width, height])

          const others = yield* Effect.forEach(
            realPhotos.filter((other) => other !== name),
            (other) => check({ bytes: fixture(other), earlierHashes: [] }).pipe(Effect.map((o) => accepted(o).hash))
          )
          const variant = (image: Sharp, earlierHashes = others) =>
            jpeg(image).pipe(Effect.flatMap((bytes) => check({ bytes, earlierHashes })), Effect.map(reasonOf))

          expect(yield* variant(sharp(original).blur(2))).toBe("blurry")
          expect(yield* variant(sharp(original).linear(0.3, 0))).toBe("too_dark")
          expect(yield* variant(sharp(original).linear(0.2, 204))).toBe("washed_out")
          expect(yield* variant(sharp(original).resize({ height: Math.min(width!, height!) - 1 }))).toBe("too_small")
          expect(yield* variant(sharp(original), [...others, base.hash])).toBe("duplicate")
          // Controls: a slight blur, a brighter or darker exposure and a re-encode are still fine.
          expect(yield* variant(sharp(original).blur(0.5))).toBe("accepted")
          expect(yield* variant(sharp(original).linear(1.25, 0))).toBe("accepted")
          expect(yield* variant(sharp(original).linear(0.7, 0))).toBe("accepted")
          expect(yield* variant(sharp(original), others)).toBe("accepted")
        }))
    }

    it.effect("the guideline examples: good ones pass, bad ones fail for the reason they show", () =>
      Effect.gen(function* () {
        const manifest: { examples: ReadonlyArray<{ file: string; good: boolean; reason: string | null }> } = JSON.parse(
          readFileSync(join(root, "assets/examples/examples.json"), "utf8")
        )
        const locallyChecked = new Set(["blurry", "too_dark", "washed_out", "too_small"])
        for (const example of manifest.examples) {
          const outcome = yield* check({ bytes: readFileSync(join(root, "assets/examples", example.file)), earlierHashes: [] })
          const expected = example.good || !locallyChecked.has(example.reason ?? "") ? "accepted" : example.reason
          expect([example.file, reasonOf(outcome)]).toEqual([example.file, expected])
        }
      }))

    it.effect("applies the EXIF orientation and strips all metadata, GPS included", () =>
      Effect.gen(function* () {
        const tagged = yield* Effect.promise(() =>
          sharp(fixture("grace_hopper.jpg"))
            .resize(700, 820)
            .withExif({
              IFD0: { Make: "PhoneCo", Model: "Selfie 9" },
              IFD3: { GPSLatitudeRef: "N", GPSLatitude: "32/1 4/1 53/1", GPSLongitudeRef: "E", GPSLongitude: "34/1 46/1 0/1" }
            })
            .withMetadata({ orientation: 6 })
            .jpeg()
            .toBuffer()
        )
        const before = yield* Effect.promise(() => sharp(tagged).metadata())
        expect(before.orientation).toBe(6)
        const gpsPointer = (exif: Buffer) => exif.includes(Buffer.from([0x25, 0x88])) || exif.includes(Buffer.from([0x88, 0x25]))
        expect(gpsPointer(before.exif!)).toBe(true)

        const outcome = accepted(yield* check({ bytes: tagged, earlierHashes: [] }))
        expect([outcome.width, outcome.height]).toEqual([820, 700])
        const after = yield* Effect.promise(() => sharp(outcome.jpeg).metadata())
        expect(after.exif).toBeUndefined()
        expect(after.xmp).toBeUndefined()
        expect(after.iptc).toBeUndefined()
        expect(after.icc).toBeUndefined()
        expect(after.orientation).toBeUndefined()
        expect(Buffer.from(outcome.jpeg).includes("PhoneCo")).toBe(false)
        // The pixels are turned, not just relabelled: the same picture as sharp's own auto-orient.
        const expected = yield* jpeg(sharp(tagged).autoOrient())
        const reference = accepted(yield* check({ bytes: expected, earlierHashes: [] }))
        expect(hammingDistance(outcome.hash, reference.hash)).toBeLessThanOrEqual(2)
      }))

    it.effect("keeps large photos within a 2048 px long side: JPEGs decoded at a reduced scale, others resized", () =>
      Effect.gen(function* () {
        // Plain upscales, sizes only: the blur check, which they would fail unsharpened, is off.
        const big = (width: number, height: number) => sharp(fixture("astronaut.jpg")).resize(width, height, { fit: "fill" })
        const stored = (bytes: Uint8Array) =>
          check({ bytes, earlierHashes: [] }).pipe(
            Effect.map(accepted),
            Effect.map(({ width, height, format }) => [width, height, format]),
            Effect.provide(sharpPhotoCheckerLayer({ ...defaults, minSharpness: 0 }))
          )
        // A phone's 12 MP decoded at half scale: a ceiling, not a size.
        expect(yield* stored(yield* jpeg(big(4032, 3024)))).toEqual([2016, 1512, "jpeg"])
        expect(yield* stored(yield* jpeg(big(4032, 3024).withMetadata({ orientation: 6 })))).toEqual([1512, 2016, "jpeg"])
        // Half scale still above the limit: the rest resized.
        expect(yield* stored(yield* jpeg(big(4624, 3468)))).toEqual([2048, 1536, "jpeg"])
        // Half scale would lose too much (1500 px): decoded whole and resized.
        expect(yield* stored(yield* jpeg(big(3000, 2000)))).toEqual([2048, 1365, "jpeg"])
        const png = yield* Effect.promise(() => big(2400, 3000).png({ compressionLevel: 1 }).toBuffer())
        expect(yield* stored(png)).toEqual([1638, 2048, "png"])
      }))

    it.effect("a JPEG decoded at half scale: stored as well as a full decode resized, with the same verdicts", () =>
      Effect.gen(function* () {
        const photo = yield* phonePhoto("grace_hopper.jpg")
        const outcome = accepted(yield* check({ bytes: photo, earlierHashes: [] }))
        expect([outcome.width, outcome.height]).toEqual([2016, 1512])
        // The reference: the whole JPEG decoded, resized with Lanczos 3 to the same size, encoded alike.
        const reference = yield* Effect.promise(() =>
          sharp(photo).resize(2016, 1512).jpeg({ quality: 90 }).toBuffer()
        )
        // The middle quarter, where the face is: SSIM in JavaScript costs about a second per megapixel.
        const pixels = (bytes: Uint8Array) =>
          Effect.promise(() =>
            sharp(bytes).extract({ left: 504, top: 378, width: 1008, height: 756 }).raw().toBuffer({ resolveWithObject: true })
          ).pipe(Effect.map(({ data, info }) => ({ data, width: info.width, height: info.height, channels: info.channels })))
        // Measured 0.990-0.996 over whole photos, the benchmark's and the fixtures' (bench/photos/quality.ts).
        expect(ssim(yield* pixels(outcome.jpeg), yield* pixels(reference))).toBeGreaterThanOrEqual(0.98)

        // The measures of the full decode at 2048 px (the thresholds were calibrated on it) give the same verdicts.
        const full = yield* Effect.promise(() => sharp(photo).resize(2048, 1536).raw().toBuffer({ resolveWithObject: true }))
        const before = analyse(
          { data: full.data, width: full.info.width, height: full.info.height, channels: full.info.channels },
          defaults.analysisLongSide
        )
        expect(hammingDistance(outcome.hash, before.hash)).toBeLessThanOrEqual(2)
        expect(outcome.measures.sharpness / before.sharpness).toBeGreaterThan(0.9)
        expect(outcome.measures.sharpness / before.sharpness).toBeLessThan(1.2)
        const variant = (image: Sharp) =>
          jpeg(image).pipe(Effect.flatMap((bytes) => check({ bytes, earlierHashes: [] })), Effect.map(reasonOf))
        expect(yield* variant(sharp(photo).blur(4))).toBe("blurry")
        expect(yield* variant(sharp(photo).blur(1))).toBe("accepted")
        expect(yield* variant(sharp(photo).linear(0.3, 0))).toBe("too_dark")
        expect(yield* variant(sharp(photo).linear(0.2, 204))).toBe("washed_out")
        expect(reasonOf(yield* check({ bytes: photo, earlierHashes: [before.hash] }))).toBe("duplicate")
      }))

    it.effect("reads WebP and AVIF, flattens transparency, and answers JPEG", () =>
      Effect.gen(function* () {
        const source = sharp(fixture("astronaut.jpg"))
        const webp = yield* Effect.promise(() => source.clone().webp({ quality: 90 }).toBuffer())
        const avif = yield* Effect.promise(() => source.clone().avif({ quality: 70 }).toBuffer())
        const transparent = yield* Effect.promise(() => source.clone().ensureAlpha(0.5).png().toBuffer())
        for (const [bytes, format] of [[webp, "webp"], [avif, "avif"], [transparent, "png"]] as const) {
          const outcome = accepted(yield* check({ bytes, earlierHashes: [], declaredMimeType: "image/jpeg" }))
          expect(outcome.format).toBe(format)
          const meta = yield* Effect.promise(() => sharp(outcome.jpeg).metadata())
          expect([meta.format, meta.hasAlpha]).toEqual(["jpeg", false])
        }
      }))

    it.effect("a bomb is refused from its header; a truncated JPEG is unreadable", () =>
      Effect.gen(function* () {
        const bomb = yield* check({ bytes: decompressionBomb(), earlierHashes: [] })
        expect(bomb).toMatchObject({ _tag: "Rejected", reason: "unreadable", format: "png" })
        expect(bomb._tag === "Rejected" && bomb.detail).toContain("50000x50000 exceeds")
        const whole = yield* jpeg(sharp(fixture("astronaut.jpg")).resize(900, 900))
        const truncated = whole.subarray(0, Math.floor(whole.length / 2))
        expect(reasonOf(yield* check({ bytes: truncated, earlierHashes: [] }))).toBe("unreadable")
        // Also when decoded at a reduced scale, from a temporary file.
        const large = yield* jpeg(sharp(fixture("astronaut.jpg")).resize(4032, 3024))
        expect(reasonOf(yield* check({ bytes: large.subarray(0, Math.floor(large.length / 2)), earlierHashes: [] }))).toBe(
          "unreadable"
        )
      }))
  })
})

describe("sharp PhotoChecker settings", () => {
  it.effect("thresholds come from the environment, with the documented defaults", () =>
    Effect.gen(function* () {
      expect(defaults).toMatchObject({ minShortSide: 512, maxLongSide: 2048, maxInputPixels: 100_000_000 })
      const strict = ConfigProvider.fromMap(new Map([["PHOTO_MIN_SHORT_SIDE", "600"]]))
      const outcome = yield* check({ bytes: fixture("astronaut.jpg"), earlierHashes: [] }).pipe(
        Effect.provide(SharpPhotoCheckerLive),
        Effect.withConfigProvider(strict)
      )
      expect(reasonOf(outcome)).toBe("too_small")
      const broken = ConfigProvider.fromMap(new Map([["PHOTO_MAX_LONG_SIDE", "huge"]]))
      const failure = yield* Layer.build(SharpPhotoCheckerLive).pipe(
        Effect.scoped,
        Effect.withConfigProvider(broken),
        Effect.flip
      )
      expect(String(failure)).toContain("PHOTO_MAX_LONG_SIDE")
    }))

  it.effect("skips the colour transform only for sRGB profiles", () =>
    Effect.gen(function* () {
      const profileOf = (profile: string) =>
        Effect.promise(() =>
          sharp(fixture("astronaut.jpg")).withIccProfile(profile).jpeg().toBuffer().then((b) => sharp(b).metadata())
        ).pipe(Effect.map((meta) => meta.icc))
      expect(isSrgbProfile(yield* profileOf("srgb"))).toBe(true)
      expect(isSrgbProfile(yield* profileOf("p3"))).toBe(false)
      expect(isSrgbProfile(undefined)).toBe(false)
    }))
})
