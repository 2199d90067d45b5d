import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import sharp from "sharp"
import { PhotoChecker } from "../../application/ports/PhotoChecker.js"
import { InMemoryPhotoChecker, fakePhotoMarker } from "../../adapters/memory/InMemoryPhotoChecker.js"

const photo = (width: number, height: number, format: "jpeg" | "png" | "webp") =>
  Effect.promise(() =>
    sharp({ create: { width, height, channels: 3, background: "#808080" } })
      .toFormat(format)
      .toBuffer()
      .then((bytes) => new Uint8Array(bytes))
  )
const withMarker = (bytes: Uint8Array, ...tokens: ReadonlyArray<string>) =>
  new Uint8Array([...bytes, ...fakePhotoMarker(tokens)])

describe("in-memory PhotoChecker", () => {
  it.layer(InMemoryPhotoChecker.layer({ minShortSide: 300 }))((it) => {
    it.effect("reads dimensions from JPEG, PNG and WebP headers without decoding", () =>
      Effect.gen(function* () {
        const checker = yield* PhotoChecker
        for (const format of ["jpeg", "png", "webp"] as const) {
          const outcome = yield* checker.check({ bytes: yield* photo(640, 360, format), earlierHashes: [] })
          expect(outcome).toMatchObject({ _tag: "Accepted", width: 640, height: 360, format })
          const small = yield* checker.check({ bytes: yield* photo(640, 299, format), earlierHashes: [] })
          expect(small).toMatchObject({ _tag: "Rejected", reason: "too_small" })
        }
      }))

    it.effect("any domain reason can be staged with a marker, the first in order wins", () =>
      Effect.gen(function* () {
        const checker = yield* PhotoChecker
        const bytes = withMarker(yield* photo(640, 480, "jpeg"), "hat", "no_person")
        expect(yield* checker.check({ bytes, earlierHashes: [] })).toMatchObject({ _tag: "Rejected", reason: "no_person" })
      }))
  })
})
