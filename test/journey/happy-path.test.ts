import { describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { delivery, englishWords, journey } from "./steps.js"

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3", RETURNING_DISCOUNT_PERCENT: "20" } }))
)

describe("the whole journey through the harness", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("in English", (it) => {
    it.effect(
      "first message to headshots, a rating and another pack at the returning price",
      () =>
        Effect.gen(function* () {
          const driver = yield* BotDriver
          const dana = yield* driver.user({ waId: "972501111111", name: "Dana" })
          yield* dana.says("hello")
          const mark = yield* journey(dana, englishWords)
          yield* delivery(driver, dana, mark, englishWords)
        }),
      90_000
    )
  })
})
