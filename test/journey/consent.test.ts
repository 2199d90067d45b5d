import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { Photos } from "../../application/ports/Photos.js"
import { Users } from "../../application/ports/Users.js"
import { BotDriver } from "../../testing/BotDriver.js"
import type { DriverUser } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { acceptablePhotos } from "./photos.js"
import { after, englishWords, next } from "./steps.js"

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3" } }))
)

/** The consent button's reply id (what the person taps to agree). */
const consentId = "photo_consent"

const userOf = (who: DriverUser["who"]) =>
  Effect.flatMap(Users, (users) => users.list({ limit: 1000, offset: 0 })).pipe(
    Effect.map((all) => all.find((user) => Option.contains(user.waId, who.waId ?? "")))
  )

layer(bot, { timeout: 60_000, excludeTestServices: true })("consent before the first photo", (it) => {
  it.effect("a photo sent before agreeing is neither downloaded, stored nor inspected: the person is asked to agree", () =>
    Effect.gen(function* () {
      const driver = yield* BotDriver
      const graph = yield* FakeGraph
      const rivka = yield* driver.user({ waId: "972507000001", name: "Rivka" })
      yield* rivka.says("hi")
      const welcomed = yield* next(rivka, 0, "the welcome", (m) => m.kind === "List")
      yield* rivka.sendsPhoto(acceptablePhotos[0]!)
      yield* next(rivka, welcomed.length, "the consent question", (m) => m.buttons.some((b) => b.id === consentId))
      yield* driver.quiescent()

      expect(yield* graph.downloads).toHaveLength(0)
      const user = yield* userOf(rivka.who)
      expect(user).toBeDefined()
      expect(yield* Effect.flatMap(Photos, (photos) => photos.countForUser(user!.id))).toBe(0)
      expect(user!.photoConsentAt).toEqual(Option.none())
      const said = after(yield* rivka.seen, welcomed.length)
      expect(said.filter((m) => m.kind === "Reaction")).toHaveLength(0)
      expect(said.find((m) => m.buttons.some((b) => b.id === consentId))?.text).toMatch(/haven't kept the photo/)
    })
  )

  it.effect("photos sent together before agreeing are asked about once", () =>
    Effect.gen(function* () {
      const driver = yield* BotDriver
      const graph = yield* FakeGraph
      const downloadsBefore = (yield* graph.downloads).length
      const yael = yield* driver.user({ waId: "972507000002" })
      yield* yael.says("hi")
      const welcomed = yield* next(yael, 0, "the welcome", (m) => m.kind === "List")
      yield* Effect.forEach(acceptablePhotos, (photo) => yael.sendsPhoto(photo), { concurrency: "unbounded", discard: true })
      yield* next(yael, welcomed.length, "the consent question", (m) => m.buttons.some((b) => b.id === consentId))
      yield* driver.quiescent()
      const said = after(yield* yael.seen, welcomed.length)
      expect(said.filter((m) => m.buttons.some((b) => b.id === consentId))).toHaveLength(1)
      expect((yield* graph.downloads).length).toBe(downloadsBefore)
    })
  )

  it.effect("agreeing is recorded with its time; photos sent after it are checked and kept", () =>
    Effect.gen(function* () {
      const driver = yield* BotDriver
      const dina = yield* driver.user({ waId: "972507000003" })
      yield* dina.says("hi")
      let seen = yield* next(dina, 0, "the welcome", (m) => m.rows.some((r) => r.title === englishWords.begin))
      yield* dina.picks(englishWords.begin)
      seen = yield* next(dina, seen.length, "the guidelines", (m) => m.buttons.some((b) => b.title === englishWords.ready))
      yield* dina.taps(englishWords.ready)
      seen = yield* next(dina, seen.length, "the consent question", (m) => m.buttons.some((b) => b.id === consentId))
      expect(seen.at(-1)!.text).not.toMatch(/haven't kept/)
      expect((yield* userOf(dina.who))!.photoConsentAt).toEqual(Option.none())

      const before = Date.now()
      yield* dina.agreesToPhotos()
      seen = yield* next(dina, seen.length, "the go-ahead", (m) => /Send your photos now/.test(m.text))
      const consentAt = (yield* userOf(dina.who))!.photoConsentAt
      expect(Option.isSome(consentAt)).toBe(true)
      expect(Option.getOrThrow(consentAt).getTime()).toBeGreaterThanOrEqual(before - 1000)

      const mark = seen.length
      yield* dina.sendsPhoto(acceptablePhotos[0]!)
      yield* next(dina, mark, "the photo accepted", (m) => m.kind === "Reaction" && m.text === "🤩", 15_000)
      const user = (yield* userOf(dina.who))!
      expect(yield* Effect.flatMap(Photos, (photos) => photos.countForUser(user.id))).toBe(1)
    })
  )
})
