import { Effect, Option } from "effect"
import { Photos } from "../../application/ports/Photos.js"
import { Users } from "../../application/ports/Users.js"
import type { DriverUser } from "../../testing/BotDriver.js"
import type { SeenMessage } from "../../testing/SeenMessage.js"
import { after, next } from "../journey/steps.js"

export const enough = /That's enough photos/

export const english = {
  begin: "Let's begin",
  ready: "I'm ready",
  examples: "Show me examples",
  done: "I'm done",
  personClass: "Woman",
  agree: "I agree",
  enough,
  paid: /Payment received/,
  eta: /ready in about/,
  imagesReady: /headshots are ready/,
  thanks: /Thank you! So glad/,
  discount: /20% off/
}

/** Hello, "Let's begin", "I'm ready": the person may send photos now. Answers what they saw. */
export const readyForPhotos = (user: DriverUser, timeoutMillis = 8000) =>
  Effect.gen(function* () {
    yield* user.says("hello")
    let seen = yield* next(user, 0, "the welcome list", (m) => m.kind === "List" && m.rows.some((r) => r.title === english.begin), timeoutMillis)
    yield* user.picks(english.begin)
    seen = yield* next(user, seen.length, "the guidelines", (m) => m.buttons.some((b) => b.title === english.ready), timeoutMillis)
    const mark = seen.length
    yield* user.taps(english.ready)
    yield* user.agreesToPhotos(timeoutMillis)
    return yield* next(user, mark, "the go-ahead for photos", (m) => m.kind === "Text", timeoutMillis)
  })

export const reactions = (seen: ReadonlyArray<SeenMessage>, from = 0) =>
  after(seen, from).filter((m) => m.kind === "Reaction" && m.text === "🤩").length

export const enoughReplies = (seen: ReadonlyArray<SeenMessage>) => seen.filter((m) => enough.test(m.text)).length

/** Photos stored for the one person with this WhatsApp number, read through the storage ports. */
export const storedPhotosOf = (waId: string) =>
  Effect.gen(function* () {
    const users = yield* (yield* Users).list({ limit: 1000, offset: 0 })
    const user = users.find((u) => Option.contains(u.waId, waId))
    if (user === undefined) return 0
    return yield* (yield* Photos).countForUser(user.id)
  })
