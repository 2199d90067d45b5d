import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import sharp from "sharp"
import { PreviewRenderer } from "../../application/ports/PreviewRenderer.js"
import { sharpPreviewRendererLayer } from "../../adapters/sharp/SharpPreviewRenderer.js"

const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, "../fixtures/photos", name)))
const samples = ["astronaut.jpg", "cameraman.jpg", "grace_hopper.jpg"].map(fixture)

const render = (title: string, images: ReadonlyArray<Uint8Array>) =>
  Effect.flatMap(PreviewRenderer, (renderer) => renderer.renderContactSheet({ title, images }))

describe("sharp contact sheet", () => {
  it.layer(sharpPreviewRendererLayer({ tileWidth: 320, maxImages: 9, maxInputPixels: 100_000_000 }))((it) => {
    it.effect("lays the samples out in rows of three under the title, as a JPEG", () =>
      Effect.gen(function* () {
        const sheet = yield* render("Corporate headshots · צילומי תדמית", [...samples, ...samples.slice(0, 2)])
        expect([sheet.width, sheet.height, sheet.imageCount]).toEqual([1008, 912, 5])
        const meta = yield* Effect.promise(() => sharp(sheet.jpeg).metadata())
        expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 1008, 912])
        // The title is drawn: white text in the dark band above the grid.
        const band = yield* Effect.promise(() =>
          sharp(sheet.jpeg).extract({ left: 0, top: 0, width: 1008, height: 80 }).stats()
        )
        expect(Math.max(...band.channels.map((channel) => channel.max))).toBeGreaterThan(200)
      }))

    it.effect("four samples make a 2 x 2 grid; unreadable samples are left out", () =>
      Effect.gen(function* () {
        const broken = new TextEncoder().encode("not an image")
        const sheet = yield* render("Studio <b>&</b> \"quotes\"", [...samples, samples[0]!, broken])
        expect([sheet.width, sheet.height, sheet.imageCount]).toEqual([680, 912, 4])
      }))

    it.effect("fails with a typed error when no sample can be read", () =>
      Effect.gen(function* () {
        const error = yield* render("Empty", [new Uint8Array([1, 2, 3])]).pipe(Effect.flip)
        expect(error._tag).toBe("PreviewRenderFailed")
      }))
  })
})
