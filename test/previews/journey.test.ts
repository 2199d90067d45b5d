import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import sharp from "sharp"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { acceptablePhotos } from "../journey/photos.js"
import { after, next } from "../journey/steps.js"
import { waitForPreviews } from "./waitForPreviews.js"

const bot = BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3" } })))

describe("pack previews in a conversation", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("through the harness", (it) => {
    it.effect(
      "a person choosing a tier sees each pack's preview for their class, as an image uploaded to WhatsApp",
      () =>
        Effect.gen(function* () {
          // The bot renders the previews by itself after its catalogue sync at start.
          const packs = yield* waitForPreviews()
          const lite = packs.find((pack) => pack.slug === "corporate-headshots")!

          const driver = yield* BotDriver
          const omer = yield* driver.user({ waId: "972505555555", name: "Omer" })
          yield* omer.says("hello")
          let seen = yield* next(omer, 0, "the welcome list", (m) => m.rows.some((r) => r.title === "Let's begin"))
          yield* omer.picks("Let's begin")
          seen = yield* next(omer, seen.length, "the guidelines", (m) => m.buttons.some((b) => b.title === "I'm ready"))
          yield* omer.taps("I'm ready")
          yield* omer.agreesToPhotos()
          seen = yield* next(omer, seen.length, "the go-ahead for photos", (m) => m.kind === "Text")

          let mark = seen.length
          for (const photo of acceptablePhotos) yield* omer.sendsPhoto(photo)
          seen = yield* next(omer, mark, "the question who is in the photos", (m) => m.rows.some((r) => r.title === "Man"), 20_000)
          yield* omer.picks("Man")
          seen = yield* next(omer, mark, "the pictures menu", (m) => m.rows.some((r) => r.title === "I'm done"), 20_000)

          mark = seen.length
          yield* omer.picks("I'm done")
          seen = yield* next(omer, mark, "the tiers", (m) => m.kind === "List" && m.rows.length === 3)
          const tiers = after(seen, mark).find((m) => m.kind === "List")!

          mark = seen.length
          yield* omer.picks(tiers.rows[0]!.id)
          seen = yield* next(omer, mark, "the packs", (m) => m.kind === "List" && m.rows.some((r) => r.id === `pack:${lite.id}`))
          const pictures = after(seen, mark).filter((m) => m.kind === "Image")
          expect(pictures).toHaveLength(1)
          expect(pictures[0]).toEqual(expect.objectContaining({ mediaId: lite.previews["man"] }))
          expect(pictures[0]?.url).toBeUndefined()
          expect(pictures[0]?.text).toMatch(/Corporate Headshots/)

          // What WhatsApp holds under that id is the contact sheet.
          const graph = yield* FakeGraph
          const media = Option.getOrThrow(yield* graph.media(lite.previews["man"]!))
          expect(media.mimeType).toBe("image/jpeg")
          expect((yield* Effect.promise(() => sharp(media.bytes).metadata())).format).toBe("jpeg")
        }),
      60_000
    )
  })
})
