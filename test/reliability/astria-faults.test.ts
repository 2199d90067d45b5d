import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { after, journey, next } from "../journey/steps.js"
import { english } from "./helpers.js"

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3", RETURNING_DISCOUNT_PERCENT: "20" } }))
)

describe("Astria refusing the tune's creation", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("over the harness", (it) => {
    for (const [index, status] of ([429, 500, 504] as const).entries()) {
      it.effect(`${status} on create: still one tune, and the person gets their images once`, () =>
        Effect.gen(function* () {
          const astria = yield* FakeAstria
          const driver = yield* BotDriver
          const person = yield* driver.user({ waId: `97250430000${index}`, name: "Tal" })
          const tunesBefore = (yield* astria.control.tunes).length
          yield* astria.control.inject({ status, method: "POST", path: "/p/", times: 2 })
          yield* person.says("hi")
          const mark = yield* journey(person, english)
          const refused = (yield* astria.control.requests).filter((r) => r.method === "POST" && r.path.startsWith("/p/") && r.status === status)
          // A 504 went through (as Astria's gateway timeouts do): the look-up by title finds that
          // tune, so nothing is posted again; 429 and 500 did not, so the create is retried.
          expect(refused).toHaveLength(status === 504 ? 1 : 2)
          yield* astria.control.clearFaults
          expect((yield* astria.control.tunes).length - tunesBefore).toBe(1)
          yield* driver.astriaCompletesAll
          const seen = yield* next(person, mark, "the rating list", (m) => m.kind === "List" && m.rows.length === 5, 20_000)
          // The Lite tier of the fake's first pack: 3 prompts of 4 images, each once.
          expect(after(seen, mark).filter((m) => m.kind === "Image")).toHaveLength(12)
        }),
        60_000
      )
    }
  })
})
