/**
 * What decoding a large JPEG at a reduced scale (adapters/sharp/jpegScale.ts) costs in quality and
 * in the measures, against the full decode and high-quality (Lanczos 3) resize it replaced:
 *
 * 1. The stored JPEG against the full decode resized to the same size and encoded the same way:
 *    SSIM of the luma and PSNR over RGB; each also against the full decode resized and not encoded
 *    (the "ideal"), so that the loss of the reduced decode can be set beside the encoder's own.
 * 2. The measures the verdicts are taken from (sharpness, luminance, the difference hash), by the
 *    checker and by the full decode at the old 2048 px, over a range of blurs and exposures.
 *
 *   npx tsx bench/photos/quality.ts
 */
import { tmpdir } from "node:os"
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { ConfigProvider, Effect } from "effect"
import sharp, { type Sharp } from "sharp"
import { hammingDistance, type PhotoCheckOutcome } from "../../application/ports/PhotoChecker.js"
import { analyse } from "../../adapters/sharp/analysis.js"
import { isSrgbProfile } from "../../adapters/sharp/icc.js"
import { PhotoCheckConfig } from "../../adapters/sharp/PhotoCheckConfig.js"
import { makeSharpPhotoChecker } from "../../adapters/sharp/SharpPhotoChecker.js"
import { psnr, ssim, type RgbImage } from "../../testing/imageSimilarity.js"
import { generateBenchPhotos } from "./images.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const config = Effect.runSync(PhotoCheckConfig.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))))
const checker = Effect.runSync(makeSharpPhotoChecker(config))
const check = (bytes: Uint8Array) => Effect.runPromise(checker.check({ bytes, earlierHashes: [] }))

const raw = async (image: Sharp): Promise<RgbImage> => {
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true })
  return { data, width: info.width, height: info.height, channels: info.channels }
}
/** The pipeline before the reduced decode: the whole JPEG decoded, then resized with Lanczos 3. */
const fullDecode = async (bytes: Uint8Array, width: number, height: number) => {
  const { icc } = await sharp(bytes).metadata()
  return sharp(bytes, { autoOrient: true, ignoreIcc: isSrgbProfile(icc) }).resize({
    width,
    height,
    fit: "inside",
    withoutEnlargement: true
  })
}
const encoded = async (image: RgbImage) =>
  sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels === 4 ? 4 : 3 } })
    .jpeg({ quality: config.jpegQuality, optimiseCoding: false })
    .toBuffer()
const accepted = (outcome: PhotoCheckOutcome) => {
  if (outcome._tag !== "Accepted") throw new Error(`rejected: ${outcome.reason} (${outcome.detail})`)
  return outcome
}
/** The old checker's measures: the full decode at 2048 px, then the same analysis. */
const oldMeasures = async (bytes: Uint8Array) => {
  const image = await raw(await fullDecode(bytes, config.maxLongSide, config.maxLongSide))
  return analyse(image, config.analysisLongSide)
}
/** The verdict the thresholds give (the duplicate test aside). */
const verdict = ({ sharpness, luminance }: { sharpness: number; luminance: number }) =>
  sharpness < config.minSharpness
    ? "blurry"
    : luminance < config.minLuminance
      ? "too_dark"
      : luminance > config.maxLuminance
        ? "washed_out"
        : "accepted"

const benchPhotos = await generateBenchPhotos(
  join(root, "test/fixtures/photos"),
  join(tmpdir(), "whatsapp-astria-bot-photos-bench-v1")
)
const photos: Array<[string, Buffer]> = benchPhotos.map((path) => [path.split("/").pop()!, readFileSync(path)])
for (const name of ["astronaut", "cameraman", "grace_hopper"]) {
  // The fixtures themselves are under the limit: scaled up to a phone's 4032x3024 with some
  // sharpening they take the reduced decode too (smooth content, so the kindest case).
  const bytes = await sharp(join(root, "test/fixtures/photos", `${name}.jpg`))
    .resize(4032, 3024, { fit: "cover", kernel: "cubic" })
    .sharpen({ sigma: 2 })
    .jpeg({ quality: 90 })
    .toBuffer()
  photos.push([`${name} 4032x3024`, bytes])
}

console.log(
  `Quality of the stored JPEG (quality ${config.jpegQuality}): the reduced decode ("new") against the full decode ` +
    `resized with Lanczos 3 to the same size ("full"), each also against that resize unencoded ("ideal")\n`
)
console.log("| photo | stored | SSIM new/full | PSNR new/full (dB) | SSIM new/ideal | SSIM full/ideal | KB new | KB full |")
console.log("|---|---|---:|---:|---:|---:|---:|---:|")
const worst = { ssim: 1, psnr: Infinity }
for (const [name, bytes] of photos) {
  const outcome = accepted(await check(bytes))
  const ideal = await raw(await fullDecode(bytes, outcome.width, outcome.height))
  const full = await encoded(ideal)
  const stored = await raw(sharp(outcome.jpeg))
  const reference = await raw(sharp(full))
  const similarity = ssim(stored, reference)
  const ratio = psnr(stored, reference)
  worst.ssim = Math.min(worst.ssim, similarity)
  worst.psnr = Math.min(worst.psnr, ratio)
  console.log(
    `| ${name} | ${outcome.width}x${outcome.height} | ${similarity.toFixed(4)} | ${ratio.toFixed(1)} | ` +
      `${ssim(stored, ideal).toFixed(4)} | ${ssim(reference, ideal).toFixed(4)} | ` +
      `${(outcome.jpeg.byteLength / 1024).toFixed(0)} | ${(full.byteLength / 1024).toFixed(0)} |`
  )
}
console.log(`\nworst: SSIM ${worst.ssim.toFixed(4)}, PSNR ${worst.psnr.toFixed(1)} dB\n`)

console.log("Measures: the checker (reduced decode) against the full decode at 2048 px, as before it\n")
console.log("| photo | change | sharpness new | sharpness full | luminance new | luminance full | hash distance | verdict new | verdict full |")
console.log("|---|---|---:|---:|---:|---:|---:|---|---|")
const changes: Array<[string, (image: Sharp) => Sharp]> = [
  ["as it is", (image) => image],
  ...[1, 2, 3, 4, 6, 8].map((sigma): [string, (image: Sharp) => Sharp] => [`blur ${sigma}`, (image) => image.blur(sigma)]),
  ["linear 0.3", (image) => image.linear(0.3, 0)],
  ["linear 0.7", (image) => image.linear(0.7, 0)],
  ["linear 0.2 + 204", (image) => image.linear(0.2, 204)]
]
let flipped = 0
for (const [name, bytes] of photos.slice(0, 3).concat(photos.slice(-3))) {
  for (const [change, apply] of changes) {
    const variant = await apply(sharp(bytes, { autoOrient: true })).jpeg({ quality: 90 }).toBuffer()
    const outcome = await check(variant)
    const measures = outcome.measures!
    const before = await oldMeasures(variant)
    const distance = outcome._tag === "Accepted" ? hammingDistance(outcome.hash, before.hash) : undefined
    const now = outcome._tag === "Accepted" ? "accepted" : outcome.reason
    if (now !== verdict(before)) flipped++
    console.log(
      `| ${name} | ${change} | ${measures.sharpness.toFixed(1)} | ${before.sharpness.toFixed(1)} | ` +
        `${measures.luminance.toFixed(1)} | ${before.luminance.toFixed(1)} | ${distance ?? "-"} | ${now} | ${verdict(before)} |`
    )
  }
}
console.log(`\nverdicts that differ: ${flipped}`)
