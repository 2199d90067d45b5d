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
          const forgotten = before.flatMap((pack) => Object.values(pack.previews))
          // What `npm start` did before its fakes kept their data: the Graph API came back empty.
          const graph = yield* FakeGraph
          yield* graph.forgetMedia

          const driver = yield* BotDriver
          const dana = yield* driver.user({ waId: "972505555601", name: "Dan" })
          const pictures = yield* toThePacks(dana)

          // Each pack of the tier shows its preview, under the id it was uploaded again with.
          const after = yield* Effect.flatMap(Packs, (packs) => packs.list)
          const shown = after.filter((pack) => pack.previews["man"] !== undefined && !forgotten.includes(pack.previews["man"]))
          expect(pictures.map((picture) => picture.mediaId)).toEqual(expect.arrayContaining([expect.any(String)]))
          expect(pictures.map((picture) => picture.mediaId).sort()).toEqual(shown.map((pack) => pack.previews["man"]).sort())
          for (const pack of shown) {
            const was = before.find((old) => old.id === pack.id)!
            expect(pack.previewUploadedAt["man"]!.getTime()).toBeGreaterThan(was.previewUploadedAt["man"]!.getTime())
            // The new id holds the contact sheet.
            expect(Option.map(yield* graph.media(pack.previews["man"]!), (media) => media.mimeType)).toEqual(Option.some("image/jpeg"))
          }
        }),
      60_000
    )
  })
})
