import { randomUUID } from "node:crypto"
import { rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Data, Effect } from "effect"

/** The scales libjpeg decodes at with its reduced inverse DCT, as libvips' `shrink` exposes them. */
const JPEG_SCALE_DENOMINATORS = [8, 4, 2] as const
export type JpegScaleDenominator = 1 | (typeof JPEG_SCALE_DENOMINATORS)[number]

/**
 * How far below the limit a reduced decode may leave the long side. The limit is a ceiling, not a
 * size: a 4032 px photo is stored at 2016 px. But a 3000 px one at 1500 px would lose half its
 * pixels to save CPU; it is decoded whole and resized to the limit instead.
 */
const LEAST_FRACTION_OF_LIMIT = 3 / 4

/**
 * The reduced scale at which a JPEG whose long side is `longSide` is decoded: the smallest of 1/2,
 * 1/4, 1/8 that keeps it at least 3/4 of `maxLongSide` (the rest, if any, is a resize to the limit).
 * A 4032 px photo decodes at 2016 px for about 40 ms of CPU instead of 110 for a full decode and
 * resize. 1 when the photo is within the limit, when no reduced scale keeps enough of it, or when
 * even 1/8 leaves a reduction of 2x or more (sharp shrinks on load by itself beyond 3x).
 */
export const jpegScaleDenominator = (longSide: number, maxLongSide: number): JpegScaleDenominator => {
  if (longSide <= maxLongSide) return 1
  // libjpeg rounds a scaled side up.
  const scaled = (denominator: number) => Math.ceil(longSide / denominator)
  const denominator = JPEG_SCALE_DENOMINATORS.find((d) => scaled(d) >= maxLongSide * LEAST_FRACTION_OF_LIMIT)
  return denominator !== undefined && scaled(denominator) < 2 * maxLongSide ? denominator : 1
}

/** The temporary file for a reduced decode could not be written (the photo is then decoded whole). */
export class TemporaryFileFailed extends Data.TaggedError("TemporaryFileFailed")<{ readonly reason: string }> {}

/**
 * What to hand sharp for a JPEG to be decoded at 1/`denominator` scale. sharp asks libjpeg for a
 * reduced scale only for reductions of 3x or more (it keeps a margin for libjpeg's rounding), and
 * takes no loader option for buffers, but it passes a file name to libvips, which reads loader
 * options in brackets after it: so the bytes go to a temporary file, removed when the scope ends.
 * Writing 1 MB costs about 1 ms of CPU; the full decode it avoids, about 70.
 */
export const scaledJpegInput = (bytes: Uint8Array, denominator: JpegScaleDenominator, directory = tmpdir()) =>
  Effect.gen(function* () {
    const path = join(directory, `photo-check-${randomUUID()}.jpg`)
    // Registered before the write, so that a partly written file goes too.
    yield* Effect.addFinalizer(() => Effect.tryPromise(() => rm(path, { force: true })).pipe(Effect.ignoreLogged))
    yield* Effect.tryPromise({
      try: () => writeFile(path, bytes),
      catch: (error) => new TemporaryFileFailed({ reason: error instanceof Error ? error.message : String(error) })
    })
    return `${path}[shrink=${denominator}]`
  })
