import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { defaultInspection, FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { delivery, journey, type Words } from "./steps.js"

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3", RETURNING_DISCOUNT_PERCENT: "20" } }))
)

const hebrew: Words = {
  begin: "בואו נתחיל",
  ready: "אני מוכן/ה",
  examples: "הראו לי דוגמאות",
  done: "סיימתי",
  agree: "אני מסכים/ה",
  enough: /יש לנו מספיק תמונות/,
  paid: /התשלום התקבל/,
  eta: /יהיו מוכנות בעוד/,
  imagesReady: /תמונות התדמית שלכם מוכנות/,
  thanks: /שמחים שאהבתם/,
  discount: /20% הנחה/
}

describe("the whole journey in Hebrew", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("with Astria's inspection telling the class", (it) => {
    it.effect(
      "a person who writes in Hebrew goes from the first message to a rating, all in Hebrew",
      () =>
        Effect.gen(function* () {
          const astria = yield* FakeAstria
          // Astria recognises a woman in every photo, so the class is voted, not asked.
          yield* astria.control.setInspection((input) => ({ ...defaultInspection(input), name: "woman" }))
          const driver = yield* BotDriver
          const yael = yield* driver.user({ waId: "972504444444", name: "יעל" })
          yield* yael.says("עברית")
          const mark = yield* journey(yael, hebrew)
          yield* delivery(driver, yael, mark, hebrew)
          const seen = yield* yael.seen
          // Not a word of the English catalogue reached her after the switch.
          expect(seen.slice(1).filter((m) => /Let's begin|Payment received|headshots are ready/.test(m.text))).toEqual([])
          // The tune was trained as the class the inspections voted for.
          const creates = (yield* astria.control.requests).filter((r) => r.method === "POST" && /\/p\/\d+\/tunes/.test(r.path))
          expect(creates.map((r) => r.fields["tune[name]"]?.[0] ?? (r.json as { tune?: { name?: string } } | null)?.tune?.name)).toEqual(["woman"])
        }),
      90_000
    )
  })
})
