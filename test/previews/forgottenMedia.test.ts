import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { Packs } from "../../application/ports/Packs.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { toThePacks } from "./toThePacks.js"
import { waitForPreviews } from "./waitForPreviews.js"

const bot = BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3" } })))

describe("pack previews WhatsApp no longer holds", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("through the harness and the fake Graph API", (it) => {
    it.effect(
      "after a restart of the development fakes (media forgotten, ids kept in the database), the preview is uploaded again and shown",
      () =>
        Effect.gen(function* () {
          const before = yield* waitForPreviews()
          const lite = before.find((pack) => pack.slug === "corporate-headshots")!
          const forgotten = lite.previews["man"]!
          // What `npm start` did before its fakes kept their data: the Graph API came back empty.
          const graph = yield* FakeGraph
          yield* graph.forgetMedia

          const driver = yield* BotDriver
          const dana = yield* driver.user({ waId: "972505555601", name: "Dan" })
          const pictures = yield* toThePacks(dana)

          expect(pictures.map((picture) => picture.text)).toEqual([expect.stringMatching(/Corporate Headshots/)])
          const renewed = Option.getOrThrow(yield* Effect.flatMap(Packs, (packs) => packs.get(lite.id)))
          expect(renewed.previews["man"]).not.toBe(forgotten)
          expect(pictures[0]).toEqual(expect.objectContaining({ mediaId: renewed.previews["man"] }))
          expect(renewed.previewUploadedAt["man"]?.getTime()).toBeGreaterThan(lite.previewUploadedAt["man"]?.getTime() ?? 0)
          // The new id holds the contact sheet.
          expect(Option.map(yield* graph.media(renewed.previews["man"]!), (media) => media.mimeType)).toEqual(Option.some("image/jpeg"))
        }),
      60_000
    )
  })
})
