import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { trainableClasses } from "../../domain/photos/PersonClass.js"
import { BotDriver, type DriverUser } from "../../testing/BotDriver.js"
import { defaultInspection, FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { acceptablePhotos } from "../journey/photos.js"
import { next } from "../journey/steps.js"

/**
 * Photo inspection as Astria documents it (docs/api/4-images/1-inspect.md): asked with the class
 * the tune will be trained as, answering the detected class or "NONE"; through the whole bot, the
 * real adapter and the fake.
 */

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3" } }))
)

const readyForPhotos = (user: DriverUser) =>
  Effect.gen(function* () {
    yield* user.says("hi")
    let seen = yield* next(user, 0, "the welcome", (m) => m.rows.some((r) => r.title === "Let's begin"))
    yield* user.picks("Let's begin")
    seen = yield* next(user, seen.length, "the guidelines", (m) => m.buttons.some((b) => b.title === "I'm ready"))
    yield* user.taps("I'm ready")
    yield* user.agreesToPhotos()
    seen = yield* next(user, seen.length, "the go-ahead", (m) => /Send your photos now/.test(m.text))
    return seen.length
  })

/** The `name` field of every inspection the fake was asked since `from` requests. */
const askedClasses = (from: number) =>
  Effect.flatMap(FakeAstria, (fake) =>
    Effect.map(fake.control.requests, (all) =>
      all
        .slice(from)
        .filter((r) => r.method === "POST" && r.path === "/images/inspect")
        .map((r) => r.fields["name"]?.[0] ?? "")
    )
  )

/** The reaction to the one photo sent after `mark`, and the reason told with a ❌. */
const verdictOf = (user: DriverUser, mark: number) =>
  Effect.gen(function* () {
    const seen = yield* next(user, mark, "the verdict", (m) => m.kind === "Reaction")
    const reaction = seen.slice(mark).find((m) => m.kind === "Reaction")?.text
    if (reaction !== "❌") return { reaction, reason: undefined }
    const told = yield* next(user, mark, "the reason", (m) => m.kind === "Text")
    return { reaction, reason: told.slice(mark).find((m) => m.kind === "Text")?.text }
  })

const requestCount = Effect.flatMap(FakeAstria, (fake) => Effect.map(fake.control.requests, (all) => all.length))

describe("Astria's photo inspection (docs/api/4-images/1-inspect.md)", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("through the harness", (it) => {
    it.effect("a photo where Astria finds no one (name NONE) is refused as 'no person'", () =>
      Effect.gen(function* () {
        const fake = yield* FakeAstria
        yield* fake.control.setInspection((input) => ({ ...defaultInspection(input), name: "NONE" }))
        const driver = yield* BotDriver
        const noa = yield* driver.user({ waId: "972506100001" })
        const mark = yield* readyForPhotos(noa)
        yield* noa.sendsPhoto(acceptablePhotos[0]!)
        expect(yield* verdictOf(noa, mark)).toEqual({ reaction: "❌", reason: "I couldn't find a person in that photo." })
      })
    )

    it.effect("the inspection is asked with a class Astria trains, never 'person'", () =>
      Effect.gen(function* () {
        const fake = yield* FakeAstria
        yield* fake.control.setInspection((input) => ({ ...defaultInspection(input), name: "woman" }))
        const before = yield* requestCount
        const driver = yield* BotDriver
        const dana = yield* driver.user({ waId: "972506100002" })
        const mark = yield* readyForPhotos(dana)
        yield* dana.sendsPhoto(acceptablePhotos[1]!)
        expect((yield* verdictOf(dana, mark)).reaction).toBe("🤩")
        const asked = yield* askedClasses(before)
        expect(asked.length).toBeGreaterThan(0)
        for (const name of asked) expect(trainableClasses).toContain(name)
      })
    )

    it.effect("once the class is known, only it is asked; another class in a photo is someone else", () =>
      Effect.gen(function* () {
        const fake = yield* FakeAstria
        yield* fake.control.setInspection((input) => ({ ...defaultInspection(input), name: "woman" }))
        const driver = yield* BotDriver
        const lea = yield* driver.user({ waId: "972506100003" })
        let mark = yield* readyForPhotos(lea)
        yield* lea.sendsPhoto(acceptablePhotos[0]!)
        expect((yield* verdictOf(lea, mark)).reaction).toBe("🤩")

        const before = yield* requestCount
        mark = (yield* lea.seen).length
        yield* lea.sendsPhoto(acceptablePhotos[1]!)
        expect((yield* verdictOf(lea, mark)).reaction).toBe("🤩")
        expect(yield* askedClasses(before)).toEqual(["woman"])

        yield* fake.control.setInspection((input) => ({ ...defaultInspection(input), name: "man" }))
        mark = (yield* lea.seen).length
        yield* lea.sendsPhoto(acceptablePhotos[2]!)
        expect(yield* verdictOf(lea, mark)).toEqual({
          reaction: "❌",
          reason: "That photo seems to show someone else. Please send photos of the same person only."
        })
      })
    )

    const refusals: ReadonlyArray<{ readonly what: string; readonly answer: Record<string, unknown>; readonly reason: string }> = [
      { what: "a baby", answer: { name: "baby" }, reason: "That photo seems to show a baby. I can make headshots of men, women, boys and girls." },
      { what: "a dog", answer: { name: "dog" }, reason: "I couldn't find a person in that photo." },
      { what: "an empty name", answer: { name: "" }, reason: "I couldn't find a person in that photo." },
      {
        what: "low_quality",
        answer: { low_quality: true },
        reason: "The quality of that photo is too low. Please send a clearer one, taken with a good camera."
      },
      { what: "includes_multiple_people", answer: { includes_multiple_people: true }, reason: "I see more than one person there. Please send photos of just you." }
    ]
    refusals.forEach(({ answer, reason, what }, index) =>
      it.effect(`Astria answering ${what} refuses the photo with a reason the person understands`, () =>
        Effect.gen(function* () {
          const fake = yield* FakeAstria
          yield* fake.control.setInspection((input) => ({ ...defaultInspection(input), name: "girl", ...answer }))
          const driver = yield* BotDriver
          const user = yield* driver.user({ waId: `97250620000${index}` })
          const mark = yield* readyForPhotos(user)
          yield* user.sendsPhoto(acceptablePhotos[index % acceptablePhotos.length]!)
          expect(yield* verdictOf(user, mark)).toEqual({ reaction: "❌", reason })
        })
      )
    )

    it.effect("a full-body shot, a selfie and a head cover are fine (Astria asks for some full-body photos)", () =>
      Effect.gen(function* () {
        const fake = yield* FakeAstria
        yield* fake.control.setInspection((input) => ({
          ...defaultInspection(input),
          name: "man",
          full_body_image_or_longshot: true,
          selfie: true,
          headcover: "with head cover"
        }))
        const driver = yield* BotDriver
        const omar = yield* driver.user({ waId: "972506300001" })
        const mark = yield* readyForPhotos(omar)
        yield* omar.sendsPhoto(acceptablePhotos[2]!)
        expect((yield* verdictOf(omar, mark)).reaction).toBe("🤩")
      })
    )
  })
})
