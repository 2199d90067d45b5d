import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { after, journey, next, englishWords } from "./steps.js"


/** Astria trains and renders by itself in a second; the reconciler looks soon after the ETA. */
const bot = BotDriver.layer.pipe(
  Layer.provideMerge(
    harnessBot({
      storage: InMemoryStorage,
      astria: { clock: { trainingMs: 600, renderMs: 200 } },
      settings: { PHOTO_THRESHOLD: "3", RECONCILER_GRACE: "300 millis", RECONCILER_INTERVAL: "200 millis" }
    })
  )
)

const imagesOf = (seen: ReadonlyArray<{ readonly kind: string }>) => seen.filter((m) => m.kind === "Image").length

describe("training never gets stuck", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("Astria's callbacks", (it) => {
    it.effect(
      "with every callback dropped, the paid order still ends with the person holding their images, once",
      () =>
        Effect.gen(function* () {
          const astria = yield* FakeAstria
          yield* astria.control.dropCallbacks(true)
          const driver = yield* BotDriver
          const noa = yield* driver.user({ waId: "972502222222", name: "Noa" })
          yield* noa.says("hi")
          const mark = yield* journey(noa, englishWords)
          const seen = yield* next(noa, mark, "the rating after the reconciler", (m) => m.kind === "List" && m.rows.length === 5, 20_000)
          // One prompt-set of the first pack: 3 prompts of 4 images, delivered once.
          expect(imagesOf(after(seen, mark))).toBe(12)
          expect((yield* astria.control.callbacks).every((callback) => !callback.sent)).toBe(true)
          yield* driver.quiescent()
          expect(imagesOf(after(yield* noa.seen, mark))).toBe(12)
          yield* astria.control.dropCallbacks(false)
        }),
      60_000
    )

    it.effect(
      "with every callback posted three times and racing the reconciler, each image arrives once",
      () =>
        Effect.gen(function* () {
          const astria = yield* FakeAstria
          yield* astria.control.repeatCallbacks(3)
          const driver = yield* BotDriver
          const maya = yield* driver.user({ waId: "972503333333", name: "Maya" })
          yield* maya.says("hi")
          const mark = yield* journey(maya, englishWords)
          yield* next(maya, mark, "the rating", (m) => m.kind === "List" && m.rows.length === 5, 20_000)
          yield* driver.quiescent()
          expect(imagesOf(after(yield* maya.seen, mark))).toBe(12)
        }),
      60_000
    )
  })
})
