import { Effect } from "effect"
import type { DriverUser } from "../../testing/BotDriver.js"
import type { SeenMessage } from "../../testing/SeenMessage.js"
import { acceptablePhotos } from "../journey/photos.js"
import { after, next } from "../journey/steps.js"

/**
 * A man goes from hello to the packs of the first tier; answers the pictures shown with the
 * packs (each pack's preview, or its cover).
 */
export const toThePacks = (person: DriverUser) =>
  Effect.gen(function* () {
    yield* person.says("hello")
    let seen = yield* next(person, 0, "the welcome list", (m) => m.rows.some((r) => r.title === "Let's begin"))
    yield* person.picks("Let's begin")
    seen = yield* next(person, seen.length, "the guidelines", (m) => m.buttons.some((b) => b.title === "I'm ready"))
    yield* person.taps("I'm ready")
    yield* person.agreesToPhotos()
    seen = yield* next(person, seen.length, "the go-ahead for photos", (m) => m.kind === "Text")

    let mark = seen.length
    for (const photo of acceptablePhotos) yield* person.sendsPhoto(photo)
    seen = yield* next(person, mark, "the question who is in the photos", (m) => m.rows.some((r) => r.title === "Man"), 60_000)
    yield* person.picks("Man")
    seen = yield* next(person, mark, "the pictures menu", (m) => m.rows.some((r) => r.title === "I'm done"), 60_000)

    mark = seen.length
    yield* person.picks("I'm done")
    seen = yield* next(person, mark, "the tiers", (m) => m.kind === "List" && m.rows.length === 3)
    const tiers = after(seen, mark).find((m) => m.kind === "List")!

    mark = seen.length
    yield* person.picks(tiers.rows[0]!.id)
    seen = yield* next(person, mark, "the packs", (m) => m.kind === "List" && m.rows.some((r) => r.id.startsWith("pack:")), 60_000)
    const pictures: ReadonlyArray<SeenMessage> = after(seen, mark).filter((m) => m.kind === "Image")
    return pictures
  })
