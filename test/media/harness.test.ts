import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import sharp from "sharp"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { delivery, englishWords, journey } from "../journey/steps.js"

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3", RETURNING_DISCOUNT_PERCENT: "20" } }))
)

describe("media links through the harness", () => {
  layer(bot, { timeout: 90_000, excludeTestServices: true })("the fake Astria's links have no extension", (it) => {
    it.effect(
      "the person receives every picture (examples, packs, headshots) by uploaded id, never by link",
      () =>
        Effect.gen(function* () {
          const driver = yield* BotDriver
          const graph = yield* FakeGraph
          const waId = "972507777777"
          const gal = yield* driver.user({ waId, name: "Gal" })
          yield* gal.says("hello")
          const mark = yield* journey(gal, englishWords)
          yield* delivery(driver, gal, mark, englishWords)

          const images = (yield* graph.received({ waId })).flatMap((received) =>
            received.body.type === "image" ? [received.body.image] : []
          )
          // Examples, pack covers, and 12 headshots at least.
          expect(images.length).toBeGreaterThanOrEqual(12)
          for (const image of images) {
            expect(image.link).toBeUndefined()
            expect(image.id).toBeDefined()
          }
          for (const image of images) {
            const uploaded = yield* graph.media(image.id ?? "")
            expect(Option.isSome(uploaded)).toBe(true)
            if (Option.isNone(uploaded)) continue
            expect(uploaded.value.mimeType).toMatch(/^image\/(jpeg|png)$/)
            const header = yield* Effect.promise(() => sharp(uploaded.value.bytes).metadata())
            expect(`image/${header.format}`).toBe(uploaded.value.mimeType)
          }
        }),
      90_000
    )
  })
})
