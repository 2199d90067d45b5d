import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { ConfigProvider, Effect } from "effect"
import sharp, { type Sharp } from "sharp"
import { PhotoCheckConfig } from "../../adapters/sharp/PhotoCheckConfig.js"
import { makeSharpPhotoChecker } from "../../adapters/sharp/SharpPhotoChecker.js"
import type { PerceptualHash } from "../../application/ports/PhotoChecker.js"

const fixture = (name: string): Buffer =>
  readFileSync(fileURLToPath(new URL(`../fixtures/photos/${name}.jpg`, import.meta.url)))

type Variant = (image: Sharp) => Sharp

/** Crops keep a real photo's texture; each is enlarged back over the 512 px minimum. */
const crop = (left: number, top: number, size: number): Variant => (image) =>
  image.extract({ left, top, width: size, height: size }).resize(640, 640)

const variants: ReadonlyArray<Variant> = [
  (image) => image,
  (image) => image.flop(),
  (image) => image.flip(),
  (image) => image.rotate(90),
  (image) => image.rotate(270),
  crop(0, 0, 400),
  crop(112, 112, 400),
  crop(0, 112, 400),
  crop(112, 0, 400),
  (image) => crop(0, 0, 400)(image.flop()),
  (image) => crop(112, 112, 400)(image.rotate(90)),
  (image) => crop(56, 56, 400)(image.flip())
]

/**
 * `count` photos from the fixtures (crops, flips, rotations) that the real sharp checks accept one
 * after the other, none a near-duplicate of an earlier one: what a person's burst of different
 * selfies looks like to the bot. Candidates the checker refuses are skipped; fails if too few pass.
 */
export const distinctPhotos = (count: number) =>
  Effect.gen(function* () {
    const config = yield* PhotoCheckConfig.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map())))
    const checker = yield* makeSharpPhotoChecker(config)
    const accepted: Array<Uint8Array> = []
    const hashes: Array<PerceptualHash> = []
    for (const name of ["astronaut", "cameraman", "grace_hopper"]) {
      // sharp keeps one resize per pipeline: the square source is made first.
      const source = yield* Effect.promise(() => sharp(fixture(name)).resize(512, 512, { fit: "cover" }).toBuffer())
      for (const variant of variants) {
        if (accepted.length === count) return accepted
        const bytes = yield* Effect.promise(() => variant(sharp(source)).jpeg({ quality: 90 }).toBuffer())
        const outcome = yield* checker.check({ bytes, earlierHashes: hashes })
        if (outcome._tag === "Accepted") {
          accepted.push(new Uint8Array(bytes))
          hashes.push(outcome.hash)
        }
      }
    }
    return yield* Effect.dieMessage(`only ${accepted.length} of ${count} distinct photos pass the checks`)
  })
