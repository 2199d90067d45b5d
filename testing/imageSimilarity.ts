/**
 * How alike two images of the same size look, for measuring what a change to the photo pipeline
 * costs in quality: SSIM (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, on the luma; 1 means
 * identical, and above 0.98 differences are hard to see) and PSNR over the RGB values.
 */

/** Interleaved 8-bit pixels with at least 3 channels, as sharp's `raw()` output gives them. */
export interface RgbImage {
  readonly data: Uint8Array
  readonly width: number
  readonly height: number
  readonly channels: number
}

const sameSize = (a: RgbImage, b: RgbImage) => {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new Error(`sizes differ: ${a.width}x${a.height}x${a.channels} and ${b.width}x${b.height}x${b.channels}`)
  }
}

/** Rec. 601 luma, 0..255. */
const lumaOf = ({ data, width, height, channels }: RgbImage) => {
  const luma = new Float64Array(width * height)
  for (let i = 0, p = 0; i < luma.length; i++, p += channels) {
    luma[i] = 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!
  }
  return luma
}

const RADIUS = 5
const SIGMA = 1.5
const gaussian = (() => {
  const weights = Float64Array.from({ length: 2 * RADIUS + 1 }, (_, i) => Math.exp(-((i - RADIUS) ** 2) / (2 * SIGMA ** 2)))
  const total = weights.reduce((sum, w) => sum + w, 0)
  return weights.map((w) => w / total)
})()

/**
 * The Gaussian-weighted local mean of `values` (times `others`, when given), over the windows that
 * fit inside the image; plain loops, as the images are millions of pixels.
 */
const localMean = (values: Float64Array, others: Float64Array | undefined, width: number, height: number) => {
  const source = others === undefined ? values : new Float64Array(values.length)
  if (others !== undefined) for (let i = 0; i < values.length; i++) source[i] = values[i]! * others[i]!
  const across = new Float64Array(values.length)
  for (let y = 0; y < height; y++) {
    for (let x = RADIUS; x < width - RADIUS; x++) {
      let sum = 0
      const start = y * width + x - RADIUS
      for (let k = 0; k < gaussian.length; k++) sum += gaussian[k]! * source[start + k]!
      across[y * width + x] = sum
    }
  }
  const both = new Float64Array(values.length)
  for (let y = RADIUS; y < height - RADIUS; y++) {
    for (let x = RADIUS; x < width - RADIUS; x++) {
      let sum = 0
      let at = (y - RADIUS) * width + x
      for (let k = 0; k < gaussian.length; k++, at += width) sum += gaussian[k]! * across[at]!
      both[y * width + x] = sum
    }
  }
  return both
}

/** Mean SSIM of the luma of two images of the same size. */
export const ssim = (a: RgbImage, b: RgbImage): number => {
  sameSize(a, b)
  const { width, height } = a
  const x = lumaOf(a)
  const y = lumaOf(b)
  const meanX = localMean(x, undefined, width, height)
  const meanY = localMean(y, undefined, width, height)
  const meanXX = localMean(x, x, width, height)
  const meanYY = localMean(y, y, width, height)
  const meanXY = localMean(x, y, width, height)
  const c1 = (0.01 * 255) ** 2
  const c2 = (0.03 * 255) ** 2
  let total = 0
  let count = 0
  for (let row = RADIUS; row < height - RADIUS; row++) {
    for (let column = RADIUS; column < width - RADIUS; column++) {
      const i = row * width + column
      const mx = meanX[i]!
      const my = meanY[i]!
      const varianceX = meanXX[i]! - mx * mx
      const varianceY = meanYY[i]! - my * my
      const covariance = meanXY[i]! - mx * my
      total += ((2 * mx * my + c1) * (2 * covariance + c2)) / ((mx * mx + my * my + c1) * (varianceX + varianceY + c2))
      count++
    }
  }
  return total / count
}

/** Peak signal-to-noise ratio over the RGB values of two images of the same size, in dB. */
export const psnr = (a: RgbImage, b: RgbImage): number => {
  sameSize(a, b)
  let squares = 0
  let count = 0
  for (let p = 0; p < a.data.length; p += a.channels) {
    for (let c = 0; c < 3; c++) {
      const d = a.data[p + c]! - b.data[p + c]!
      squares += d * d
      count++
    }
  }
  return squares === 0 ? Infinity : 10 * Math.log10((255 * 255) / (squares / count))
}
