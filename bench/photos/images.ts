import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import sharp from "sharp"
import { deterministicRandom } from "../../testing/deterministicRandom.js"

const WIDTH = 4032
const HEIGHT = 3024


const noise = (width: number, height: number, next: () => number) => {
  const data = Buffer.alloc(width * height * 3)
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(next() * 256)
  return sharp(data, { raw: { width, height, channels: 3 } })
}

/**
 * Eight 12-megapixel JPEGs of about 1 MB, like a phone's: one of the real photographs in the
 * fixtures scaled up, plus fabric-like mid-frequency detail and sensor grain so that the encoder
 * and the decoder have real work (flat colour would flatter both). Half carry EXIF orientation 6,
 * as portrait photos from phones do.
 */
export const generateBenchPhotos = async (fixtures: string, dir: string): Promise<ReadonlyArray<string>> => {
  mkdirSync(dir, { recursive: true })
  const sources = ["grace_hopper", "astronaut", "cameraman"].map((name) => readFileSync(join(fixtures, `${name}.jpg`)))
  const paths: Array<string> = []
  for (let n = 0; n < 8; n++) {
    const path = join(dir, `photo-${n + 1}.jpg`)
    paths.push(path)
    // Generated once per machine (about 3 s each); the bytes are the same on every run.
    if (existsSync(path)) continue
    const next = deterministicRandom(n + 1)
    const base = await sharp(sources[n % sources.length])
      .flop(n >= 3)
      .resize(WIDTH, HEIGHT, { fit: "cover", kernel: "cubic" })
      .modulate({ hue: n * 25 })
      .toColourspace("srgb")
      .raw()
      .toBuffer()
    const detail = await noise(WIDTH / 4, HEIGHT / 4, next).resize(WIDTH, HEIGHT, { kernel: "cubic" }).raw().toBuffer()
    // Grain from a table of random values: a PRNG call per subpixel would take seconds.
    const grain = Float32Array.from({ length: 1 << 16 }, () => (next() - 0.5) * 2)
    const pixels = Buffer.alloc(WIDTH * HEIGHT * 3)
    for (let i = 0; i < pixels.length; i++) {
      const value = base[i]! + (detail[i]! - 128) * 0.08 + grain[(i * 7 + n) & 0xffff]!
      pixels[i] = value < 0 ? 0 : value > 255 ? 255 : value
    }
    let image = sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 80 })
    if (n % 2 === 1) image = image.withMetadata({ orientation: 6 })
    writeFileSync(path, await image.toBuffer())
  }
  return paths
}
