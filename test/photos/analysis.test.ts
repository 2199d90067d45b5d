import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import sharp from "sharp"
import { analyse } from "../../adapters/sharp/analysis.js"

describe("analyse", () => {
  it("gives the same measures, bit for bit, on the unrolled path (RGB, factor 2) and the general one (RGBA)", async () => {
    const photo = readFileSync(join(import.meta.dirname, "../fixtures/photos/grace_hopper.jpg"))
    // 1700x2000: box-averaged by 2 to the 1024 px analysis scale.
    const rgb = await sharp(photo).resize(1700, 2000).raw().toBuffer({ resolveWithObject: true })
    const rgba = await sharp(photo).resize(1700, 2000).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
    expect([rgb.info.channels, rgba.info.channels]).toEqual([3, 4])
    const measures = (image: typeof rgb) =>
      analyse({ data: image.data, width: image.info.width, height: image.info.height, channels: image.info.channels }, 1024)
    const unrolled = measures(rgb)
    expect(measures(rgba)).toEqual(unrolled)
    expect(unrolled.sharpness).toBeGreaterThan(0)
  })
})
