import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import sharp from "sharp"
import { jpegScaleDenominator, scaledJpegInput } from "../../adapters/sharp/jpegScale.js"

const fixture = readFileSync(join(import.meta.dirname, "../fixtures/photos/astronaut.jpg"))

describe("jpegScaleDenominator", () => {
  it("picks the smallest reduced scale that keeps at least 3/4 of the limit", () => {
    const stored = (longSide: number) => Math.ceil(longSide / jpegScaleDenominator(longSide, 2048))
    // Within the limit: decoded as it is.
    expect(jpegScaleDenominator(2048, 2048)).toBe(1)
    expect(jpegScaleDenominator(1600, 2048)).toBe(1)
    // A phone's 12 MP at half scale, stored below the limit; 4096 px exactly at it.
    expect([jpegScaleDenominator(4032, 2048), stored(4032)]).toEqual([2, 2016])
    expect([jpegScaleDenominator(4096, 2048), stored(4096)]).toEqual([2, 2048])
    expect([jpegScaleDenominator(3264, 2048), stored(3264)]).toEqual([2, 1632])
    // Half of these would fall under 1536 px: decoded whole and resized to the limit.
    expect(jpegScaleDenominator(3000, 2048)).toBe(1)
    expect(jpegScaleDenominator(2100, 2048)).toBe(1)
    // Above the limit at half scale: decoded at half, the rest resized.
    expect([jpegScaleDenominator(4624, 2048), stored(4624)]).toEqual([2, 2312])
    expect([jpegScaleDenominator(6000, 2048), stored(6000)]).toEqual([2, 3000])
    expect([jpegScaleDenominator(8064, 2048), stored(8064)]).toEqual([4, 2016])
    expect([jpegScaleDenominator(16000, 2048), stored(16000)]).toEqual([8, 2000])
    // libjpeg rounds up: 4097 / 2 is 2049, over the limit, so a quarter (1025) is too little: half, then resized.
    expect(jpegScaleDenominator(4097, 2048)).toBe(2)
    // Beyond 1/8 with 2x or more still to go: left to sharp, which shrinks on load by itself there.
    expect(jpegScaleDenominator(40000, 2048)).toBe(1)
  })
})

describe("scaledJpegInput", () => {
  it.effect("hands sharp a file name that decodes at the scale asked, and removes the file with its scope", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const input = yield* scaledJpegInput(fixture, 4).pipe(Scope.extend(scope))
      const path = input.replace(/\[shrink=4\]$/, "")
      expect(input).toBe(`${path}[shrink=4]`)
      expect(existsSync(path)).toBe(true)
      const { info } = yield* Effect.promise(() => sharp(input).raw().toBuffer({ resolveWithObject: true }))
      expect([info.width, info.height]).toEqual([128, 128])
      yield* Scope.close(scope, Exit.void)
      expect(existsSync(path)).toBe(false)
    }))

  it.effect("fails, typed, when the file cannot be written", () =>
    Effect.gen(function* () {
      const directory = mkdtempSync(join(tmpdir(), "jpeg-scale-test-"))
      rmSync(directory, { recursive: true })
      const failure = yield* scaledJpegInput(fixture, 2, directory).pipe(Effect.scoped, Effect.flip)
      expect(failure).toMatchObject({ _tag: "TemporaryFileFailed" })
      expect(failure.reason).toContain("ENOENT")
    }))
})
