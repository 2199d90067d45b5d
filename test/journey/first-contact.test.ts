import { expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { harnessBot } from "../../testing/HarnessBot.js"

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3" } }))
)

layer(bot, { timeout: 30_000, excludeTestServices: true })("first contact", (it) => {
  it.effect("a first message is answered with the welcome list, marked read", () =>
    Effect.gen(function* () {
      const driver = yield* BotDriver
      const anna = yield* driver.user({ waId: "972500000001", name: "Anna" })
      yield* anna.says("hi")
      const seen = yield* anna.waitUntil("the welcome list", (all) => all.some((m) => m.kind === "List"))
      const welcome = seen.find((m) => m.kind === "List")!
      expect(welcome.rows.length).toBe(5)
    })
  )
})
