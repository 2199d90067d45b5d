import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Schedule } from "effect"
import { Feedback } from "../../application/ports/Feedback.js"
import { Photos } from "../../application/ports/Photos.js"
import { Users } from "../../application/ports/Users.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BotDriver, type DriverUser } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { FakePaymentProvider } from "../../testing/fakes/payments/FakePaymentProvider.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { acceptablePhotos } from "./photos.js"
import { after, delivery, journey, next, englishWords } from "./steps.js"

const supportNumber = "972509999999"

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(
    harnessBot({
      storage: InMemoryStorage,
      settings: { PHOTO_THRESHOLD: "3", RETURNING_DISCOUNT_PERCENT: "20", SUPPORT_WHATSAPP: supportNumber }
    })
  )
)


const example = (name: string): Uint8Array =>
  readFileSync(fileURLToPath(new URL(`../../assets/examples/${name}.jpg`, import.meta.url)))

/** From the first message to "send your photos now". */
const readyForPhotos = (user: DriverUser) =>
  Effect.gen(function* () {
    yield* user.says("hi")
    let seen = yield* next(user, 0, "the welcome", (m) => m.rows.some((r) => r.title === englishWords.begin))
    yield* user.picks(englishWords.begin)
    seen = yield* next(user, seen.length, "the guidelines", (m) => m.buttons.some((b) => b.title === englishWords.ready))
    yield* user.taps(englishWords.ready)
    yield* user.agreesToPhotos()
    seen = yield* next(user, seen.length, "the go-ahead", (m) => /Send your photos now/.test(m.text))
    return seen.length
  })

const userIdOf = (who: DriverUser["who"]) =>
  Effect.flatMap(Users, (users) =>
    users.resolve(
      { waId: Option.fromNullable(who.waId), bsuid: Option.fromNullable(who.userId), profileName: Option.none() },
      "unused" as never,
      new Date()
    )
  ).pipe(Effect.map((resolved) => resolved.user.id))

describe("the unhappy paths", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("through the harness", (it) => {
    it.effect("rejected photos get ❌ and the first reason, in order, and a duplicate is caught", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const ori = yield* driver.user({ waId: "972505000001" })
        const mark = yield* readyForPhotos(ori)
        for (const bad of ["bad-blurry", "bad-too-dark", "bad-too-small"]) yield* ori.sendsPhoto(example(bad))
        yield* ori.sendsPhoto(acceptablePhotos[0]!)
        yield* ori.sendsPhoto(acceptablePhotos[0]!)
        yield* ori.sendsPhoto(new TextEncoder().encode("not an image at all"), { asDocument: true, mimeType: "image/jpeg" })
        const seen = yield* ori.waitUntil("six verdicts", (all) => after(all, mark).filter((m) => m.kind === "Reaction").length === 6, 15_000)
        const reactions = after(seen, mark).filter((m) => m.kind === "Reaction").map((m) => m.text)
        expect(reactions.filter((r) => r === "❌")).toHaveLength(5)
        expect(reactions.filter((r) => r === "🤩")).toHaveLength(1)
        const texts = yield* ori.waitUntil("the reasons", (all) => after(all, mark).filter((m) => m.kind === "Text").length >= 5)
        const said = after(texts, mark).map((m) => m.text).join("\n")
        expect(said).toMatch(/blurry/)
        expect(said).toMatch(/too dark/)
        expect(said).toMatch(/too small/)
        expect(said).toMatch(/already sent this photo/)
        expect(said).toMatch(/couldn't open that file/)
        expect(said).not.toMatch(/That's enough photos/)
      })
    )

    it.effect("reset photos removes the stored photos and starts the collection over", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const gal = yield* driver.user({ waId: "972505000002" })
        const mark = yield* readyForPhotos(gal)
        for (const photo of acceptablePhotos) yield* gal.sendsPhoto(photo)
        let seen = yield* next(gal, mark, "the class question", (m) => m.rows.some((r) => r.title === "Woman"), 15_000)
        yield* gal.picks("Woman")
        seen = yield* next(gal, mark, "the pictures menu", (m) => m.rows.some((r) => r.title === "Reset photos"))
        const userId = yield* userIdOf(gal.who)
        expect(yield* Effect.flatMap(Photos, (photos) => photos.countForUser(userId))).toBe(3)
        yield* gal.picks("Reset photos")
        yield* next(gal, seen.length, "the reset", (m) => /photos were removed/.test(m.text))
        expect(yield* Effect.flatMap(Photos, (photos) => photos.countForUser(userId))).toBe(0)
      })
    )

    it.effect("an unsupported message gets one polite line, and an old button a defined answer", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const tal = yield* driver.user({ waId: "972505000003" })
        const mark = yield* readyForPhotos(tal)
        yield* tal.sendsVoiceNote
        let seen = yield* next(tal, mark, "the polite line", (m) => /only read text, photos/.test(m.text))
        expect(after(seen, mark).filter((m) => /only read text, photos/.test(m.text))).toHaveLength(1)
        // "Let's begin" again, from the welcome list long gone by.
        yield* tal.picks(englishWords.begin)
        seen = yield* next(tal, seen.length, "an answer to the old button", (m) => m.kind !== "Reaction")
        expect(seen.length).toBeGreaterThan(mark)
      })
    )

    it.effect("a low rating asks for feedback, stores it and tells support", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const graph = yield* FakeGraph
        // The support agent is on WhatsApp and wrote to the bot's number today.
        yield* graph.addUser({ waId: supportNumber, name: "Support" })
        yield* graph.openWindow(supportNumber)
        const rina = yield* driver.user({ waId: "972505000004" })
        yield* rina.says("hi")
        const mark = yield* journey(rina, englishWords)
        yield* driver.astriaCompletesAll
        let seen = yield* next(rina, mark, "the rating", (m) => m.kind === "List" && m.rows.length === 5, 15_000)
        yield* rina.picks("⭐⭐")
        seen = yield* next(rina, seen.length, "the request for feedback", (m) => /What could be better/.test(m.text))
        yield* rina.says("The skin looks plastic")
        yield* next(rina, seen.length, "thanks for the feedback", (m) => /Thank you for telling us/.test(m.text))
        const stored = yield* Effect.flatMap(Feedback, (feedback) => feedback.awaitingSupport)
        expect(stored.map((f) => f.text)).toContain("The skin looks plastic")
        const toSupport = yield* graph.received(supportNumber).pipe(
          Effect.filterOrFail((received) => received.length > 0, () => "nothing yet"),
          Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.upTo("5 seconds")))
        )
        expect(JSON.stringify(toSupport.map((m) => m.body))).toMatch(/LowRatingFeedback/)
      })
    )

    it.effect("an order paid twice (a duplicated webhook) trains once", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const payments = yield* FakePaymentProvider
        const astria = yield* FakeAstria
        const before = (yield* astria.control.tunes).length
        yield* payments.control.setDeliveries(3)
        const eden = yield* driver.user({ waId: "972505000005" })
        yield* eden.says("hi")
        const mark = yield* journey(eden, englishWords)
        yield* payments.control.setDeliveries(1)
        yield* driver.quiescent()
        expect((yield* astria.control.tunes).length).toBe(before + 1)
        const seen = yield* eden.seen
        expect(after(seen, 0).filter((m) => /Payment received/.test(m.text))).toHaveLength(1)
        expect(mark).toBeGreaterThan(0)
      })
    )

    it.effect("a returning person reuses a saved model, at the returning price, without new photos", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const astria = yield* FakeAstria
        const lea = yield* driver.user({ waId: "972505000006" })
        yield* lea.says("hi")
        const first = yield* journey(lea, englishWords)
        yield* delivery(driver, lea, first, englishWords)
        let seen = yield* lea.seen
        yield* lea.says("hi again")
        seen = yield* next(lea, seen.length, "welcome back with the saved model", (m) => m.rows.some((r) => /Use this model/.test(r.description ?? "")))
        const model = after(seen, 0).reverse().find((m) => m.rows.some((r) => /Use this model/.test(r.description ?? "")))!
        const mark = seen.length
        yield* lea.picks(model.rows.find((r) => /Use this model/.test(r.description ?? ""))!.id)
        seen = yield* next(lea, mark, "the tiers", (m) => m.kind === "List" && m.rows.length === 3)
        const tiers = after(seen, mark).find((m) => m.kind === "List" && m.rows.length === 3)!
        expect(tiers.text).toMatch(/20% off/)
        yield* lea.picks(tiers.rows[0]!.id)
        seen = yield* next(lea, seen.length, "the packs", (m) => m.kind === "List")
        const packs = after(seen, mark).reverse().find((m) => m.kind === "List")!
        yield* lea.picks(packs.rows[0]!.id)
        // She agreed to the terms with her first order; they are not asked again.
        seen = yield* next(lea, seen.length, "the payment link", (m) => m.kind === "LinkButton")
        expect(after(seen, mark).find((m) => m.kind === "LinkButton")!.url).toMatch(/amount=7\.92/)
        yield* lea.paysLatestLink
        yield* next(lea, seen.length, "the ETA", (m) => englishWords.eta.test(m.text), 15_000)
        const creates = (yield* astria.control.requests).filter((r) => r.method === "POST" && /\/p\/\d+\/tunes/.test(r.path))
        const last = creates.at(-1)!
        expect(last.fields["tune[tune_ids][]"]?.length ?? 0).toBe(1)
        expect(last.files).toHaveLength(0)
      }),
      60_000
    )

    it.effect("a person who changes number, or hides it behind a username, keeps their conversation", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const graph = yield* FakeGraph
        const dov = yield* driver.user({ waId: "972505000007", userId: "US.1000000000000000007" })
        const mark = yield* readyForPhotos(dov)
        yield* dov.sendsPhoto(acceptablePhotos[0]!)
        yield* next(dov, mark, "the first verdict", (m) => m.kind === "Reaction")
        const before = yield* userIdOf(dov.who)
        yield* graph.changeNumber(dov.who, "972505000077")
        const moved = yield* driver.user({ waId: "972505000077", userId: "US.1000000000000000007" })
        yield* moved.sendsPhoto(acceptablePhotos[1]!)
        yield* moved.waitUntil("the second verdict", (all) => all.filter((m) => m.kind === "Reaction").length === 2, 10_000)
        expect(yield* userIdOf(moved.who)).toBe(before)
        expect(yield* Effect.flatMap(Photos, (photos) => photos.countForUser(before))).toBe(2)

        const hidden = yield* driver.user({ userId: "US.2000000000000000008", name: "anon" })
        yield* hidden.says("hi")
        const seen = yield* next(hidden, 0, "the welcome", (m) => m.rows.some((r) => r.title === englishWords.begin))
        expect(seen.length).toBeGreaterThan(0)
      })
    )
  })
})
