import { expect } from "@effect/vitest"
import { Effect } from "effect"
import type { BotDriver, DriverUser } from "../../testing/BotDriver.js"
import type { SeenMessage } from "../../testing/SeenMessage.js"
import { acceptablePhotos } from "./photos.js"

/** Steps of a whole journey, shared by the journey tests: what a person does and must see. */

export const after = (seen: ReadonlyArray<SeenMessage>, count: number) => seen.slice(count)

/** Waits for a message, counting only what arrived after `from` messages. */
export const next = (user: DriverUser, from: number, what: string, match: (m: SeenMessage) => boolean, timeout = 8000) =>
  user.waitUntil(what, (seen) => after(seen, from).some(match), timeout)

export interface Words {
  readonly begin: string
  readonly ready: string
  readonly examples: string
  readonly done: string
  /** Asked when no inspection told the class. */
  readonly personClass?: string
  readonly agree: string
  readonly enough: RegExp
  readonly paid: RegExp
  readonly eta: RegExp
  readonly imagesReady: RegExp
  readonly thanks: RegExp
  readonly discount: RegExp
}

/** The journey up to the payment link: how many messages the person has seen, and the link. */
export const toPaymentLink = (user: DriverUser, words: Words) =>
  Effect.gen(function* () {
    let seen = yield* next(user, 0, "the welcome list", (m) => m.kind === "List" && m.rows.some((r) => r.title === words.begin))

    yield* user.picks(words.begin)
    seen = yield* next(user, seen.length, "the guidelines", (m) => m.buttons.some((b) => b.title === words.ready))

    let mark = seen.length
    yield* user.taps(words.examples)
    seen = yield* user.waitUntil("example photos", (all) => after(all, mark).filter((m) => m.kind === "Image").length >= 2)

    mark = seen.length
    yield* user.taps(words.ready)
    yield* user.agreesToPhotos()
    seen = yield* next(user, mark, "the go-ahead for photos", (m) => m.kind === "Text")

    mark = seen.length
    for (const photo of acceptablePhotos) yield* user.sendsPhoto(photo)
    if (words.personClass !== undefined) {
      seen = yield* next(user, mark, "the question who is in the photos", (m) => m.rows.some((r) => r.title === words.personClass), 20_000)
      yield* user.picks(words.personClass)
    }
    seen = yield* next(user, mark, "the pictures menu", (m) => m.rows.some((r) => r.title === words.done), 20_000)
    const afterPhotos = after(seen, mark)
    expect(afterPhotos.filter((m) => m.kind === "Reaction" && m.text === "🤩")).toHaveLength(3)
    expect(afterPhotos.filter((m) => words.enough.test(m.text))).toHaveLength(1)

    mark = seen.length
    yield* user.picks(words.done)
    seen = yield* next(user, mark, "the tiers", (m) => m.kind === "List" && m.rows.length === 3)
    const tiers = after(seen, mark).find((m) => m.kind === "List")!
    expect(tiers.rows.map((r) => r.description ?? "").join(" ")).toMatch(/12.*\$9\.90/)

    mark = seen.length
    yield* user.picks(tiers.rows[0]!.id)
    seen = yield* next(user, mark, "the packs", (m) => m.kind === "List" || m.buttons.length > 0)
    const packs = after(seen, mark).find((m) => m.kind === "List" || m.buttons.length > 0)!
    const packChoice = packs.rows[0]?.id ?? packs.buttons[0]!.id

    mark = seen.length
    yield* packs.rows.length > 0 ? user.picks(packChoice) : user.taps(packChoice)
    seen = yield* next(user, mark, "the terms", (m) => m.buttons.some((b) => b.title === words.agree))

    mark = seen.length
    yield* user.taps(words.agree)
    seen = yield* next(user, mark, "the payment link", (m) => m.kind === "LinkButton")
    return { seen: seen.length, link: after(seen, mark).find((m) => m.kind === "LinkButton")?.url ?? "" }
  })

export const journey = (user: DriverUser, words: Words) =>
  Effect.gen(function* () {
    const { seen: mark, link } = yield* toPaymentLink(user, words)
    expect(link).toMatch(/amount=9\.90/)
    yield* user.paysLatestLink
    const seen = yield* next(user, mark, "the training ETA", (m) => words.eta.test(m.text), 15_000)
    expect(after(seen, mark).some((m) => words.paid.test(m.text))).toBe(true)
    return seen.length
  })

export const delivery = (driver: typeof BotDriver.Service, user: DriverUser, mark: number, words: Words) =>
  Effect.gen(function* () {
    yield* driver.astriaCompletesAll
    let seen = yield* next(user, mark, "the rating list", (m) => m.kind === "List" && m.rows.length === 5, 20_000)
    const delivered = after(seen, mark)
    expect(delivered.some((m) => words.imagesReady.test(m.text))).toBe(true)
    // The Lite tier of the fake's first pack: 3 prompts of 4 images each.
    expect(delivered.filter((m) => m.kind === "Image").length).toBeGreaterThanOrEqual(12)

    const afterImages = seen.length
    yield* user.picks("⭐⭐⭐⭐⭐")
    seen = yield* next(user, afterImages, "thanks and the returning offer", (m) => words.discount.test(m.text))
    expect(after(seen, afterImages).some((m) => words.thanks.test(m.text))).toBe(true)
  })

/** What the English catalogue says at each step (the person's class is asked: no inspection tells it). */
export const englishWords: Words = {
  begin: "Let's begin",
  ready: "I'm ready",
  examples: "Show me examples",
  done: "I'm done",
  personClass: "Woman",
  agree: "I agree",
  enough: /That's enough photos/,
  paid: /Payment received/,
  eta: /ready in about/,
  imagesReady: /headshots are ready/,
  thanks: /Thank you! So glad/,
  discount: /20% off/
}
