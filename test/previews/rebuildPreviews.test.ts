import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Context, Duration, Effect, Layer, Ref } from "effect"
import sharp from "sharp"
import { rebuildPreviews, type PreviewProgress } from "../../application/catalogue/rebuildPreviews.js"
import { syncPacks } from "../../application/catalogue/syncPacks.js"
import { ImageFetcher, ImageUnavailable } from "../../application/ports/ImageFetcher.js"
import { Messenger } from "../../application/ports/Messenger.js"
import { Packs } from "../../application/ports/Packs.js"
import { httpImageFetcherLayer } from "../../adapters/http-fetch/HttpImageFetcher.js"
import { InMemoryMedia, InMemoryMediaLive } from "../../adapters/memory/InMemoryMediaSource.js"
import { InMemoryMessengerLive } from "../../adapters/memory/InMemoryMessenger.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { sharpPreviewRendererLayer } from "../../adapters/sharp/SharpPreviewRenderer.js"
import { astriaOverFake } from "../../testing/FakeParts.js"
import { fakeCatalogueSettings } from "../../testing/fakes/astria/wiring.js"

const tileWidth = 160

/** How many media the bot uploaded to (in-memory) WhatsApp. */
class Uploads extends Context.Tag("test/previews/Uploads")<Uploads, Ref.Ref<number>>() {}

const countingMessenger = Layer.effectContext(
  Effect.gen(function* () {
    const inner = yield* Messenger
    const uploads = yield* Ref.make(0)
    const messenger = Messenger.of({
      ...inner,
      uploadMedia: (bytes, mimeType) => Effect.zipRight(Ref.update(uploads, (n) => n + 1), inner.uploadMedia(bytes, mimeType))
    })
    return Context.make(Messenger, messenger).pipe(Context.add(Uploads, uploads))
  })
).pipe(Layer.provide(InMemoryMessengerLive), Layer.provideMerge(InMemoryMediaLive))

/** The real HTTP fetcher, except for the links `refused` names at the moment they are asked for. */
const fetcher = (refused: (url: string) => boolean) =>
  Layer.effect(
    ImageFetcher,
    Effect.map(ImageFetcher, (inner) =>
      ImageFetcher.of({
        fetch: (url) => (refused(url) ? Effect.fail(new ImageUnavailable({ message: "injected outage" })) : inner.fetch(url))
      })
    )
  ).pipe(
    Layer.provide(httpImageFetcherLayer({ timeout: Duration.seconds(10), maxBytes: 5_000_000, retries: 0 })),
    Layer.provide(FetchHttpClient.layer)
  )

/** The fake Astria's catalogue synced into memory, with the real renderer and fetcher. */
const environment = (refused: (url: string) => boolean = () => false) =>
  Layer.mergeAll(
    fetcher(refused),
    sharpPreviewRendererLayer({ tileWidth, maxImages: 9, maxInputPixels: 50_000_000 }),
    countingMessenger,
    astriaOverFake(),
    fakeCatalogueSettings
  ).pipe(Layer.provideMerge(InMemoryStorage))

const previewsOf = Effect.flatMap(Packs, (packs) => packs.list).pipe(
  Effect.map((packs) => Object.fromEntries(packs.map((pack) => [pack.id, pack.previews])))
)

/** Columns as the renderer lays them out: 2x2 for four, rows of up to three otherwise. */
const sheetWidth = (samples: number) => {
  const columns = samples === 4 ? 2 : Math.min(3, samples)
  return 2 * 16 + columns * tileWidth + (columns - 1) * 8
}

describe("rebuilding pack previews", () => {
  it.effect("renders one contact sheet per pack and class from the fake Astria's sample images, uploads it and keeps its media id", () =>
    Effect.gen(function* () {
      yield* syncPacks
      const progress = yield* Ref.make<ReadonlyArray<PreviewProgress>>([])
      const report = yield* rebuildPreviews({
        force: false,
        onProgress: (step) => Ref.update(progress, (steps) => [...steps, step])
      })

      const packs = yield* Effect.flatMap(Packs, (port) => port.list)
      expect(packs.map((pack) => pack.slug).sort()).toEqual(["corporate-headshots", "dating-profile", "fantasy-portraits"])
      expect(report).toEqual({ uploaded: 6, kept: 0, failed: [] })
      expect(yield* Effect.flatMap(Uploads, Ref.get)).toBe(6)

      const steps = yield* Ref.get(progress)
      expect(steps.map((step) => step.done)).toEqual([1, 2, 3, 4, 5, 6])
      expect(steps.every((step) => step.total === 6 && step.outcome === "uploaded")).toBe(true)

      const media = yield* InMemoryMedia
      const mediaIds = new Set<string>()
      for (const pack of packs) {
        expect(Object.keys(pack.previews).sort()).toEqual(["man", "woman"])
        for (const [className, mediaId] of Object.entries(pack.previews)) {
          mediaIds.add(mediaId)
          const uploaded = yield* media.get(mediaId)
          expect(uploaded?.mimeType).toBe("image/jpeg")
          const facts = yield* Effect.promise(() => sharp(uploaded!.bytes).metadata())
          expect(facts.format).toBe("jpeg")
          // Every sample image of the class made it onto the sheet.
          expect(facts.width, `${pack.slug} ${className}`).toBe(sheetWidth(pack.samples[className]!.length))
        }
      }
      expect(mediaIds.size).toBe(6)
    }).pipe(Effect.provide(environment()))
  )

  it.effect("uploads nothing the second time and keeps every media id; forced, uploads every sheet again", () =>
    Effect.gen(function* () {
      yield* syncPacks
      yield* rebuildPreviews({ force: false })
      const first = yield* previewsOf
      const uploads = yield* Uploads

      const again = yield* rebuildPreviews({ force: false })
      expect(again).toEqual({ uploaded: 0, kept: 6, failed: [] })
      expect(yield* Ref.get(uploads)).toBe(6)
      expect(yield* previewsOf).toEqual(first)

      // A later sync keeps the previews of the packs that stay.
      yield* syncPacks
      expect(yield* previewsOf).toEqual(first)

      const forced = yield* rebuildPreviews({ force: true })
      expect(forced).toEqual({ uploaded: 6, kept: 0, failed: [] })
      expect(yield* Ref.get(uploads)).toBe(12)
      const renewed = yield* previewsOf
      for (const [packId, previews] of Object.entries(renewed)) {
        for (const [className, mediaId] of Object.entries(previews)) expect(mediaId).not.toBe(first[packId]?.[className])
      }
    }).pipe(Effect.provide(environment()))
  )

  let outage = true
  it.effect("reports a pack whose samples cannot be had and makes it on the next run; a sheet goes without an unreadable sample", () =>
    Effect.gen(function* () {
      yield* syncPacks
      const report = yield* rebuildPreviews({ force: false })
      expect(report.uploaded).toBe(4)
      expect(report.failed.map((failure) => [failure.title, failure.className]).sort()).toEqual([
        ["Dating Profile", "man"],
        ["Dating Profile", "woman"]
      ])
      expect(report.failed[0]?.reason).toMatch(/no sample image could be downloaded: injected outage/)
      const previews = yield* previewsOf
      expect(previews[261]).toEqual({})

      // The first sample of one class alone was missing: that sheet has the other two.
      const media = yield* InMemoryMedia
      const partial = yield* media.get(previews[260]!["man"]!)
      expect((yield* Effect.promise(() => sharp(partial!.bytes).metadata())).width).toBe(sheetWidth(2))

      outage = false
      const retried = yield* rebuildPreviews({ force: false })
      expect(retried).toEqual({ uploaded: 2, kept: 4, failed: [] })
      expect(Object.keys((yield* previewsOf)[261] ?? {}).sort()).toEqual(["man", "woman"])
    }).pipe(
      Effect.provide(environment((url) => (outage && url.includes("/sample-261-")) || url.endsWith("/sample-260-man-0-0")))
    )
  )
})
