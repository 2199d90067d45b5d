import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { Astria } from "../../application/ports/Astria.js"
import { AttentionItems } from "../../application/ports/AttentionItems.js"
import { Orders } from "../../application/ports/Orders.js"
import { Photos, StoredPhoto } from "../../application/ports/Photos.js"
import { OrderId, PhotoId, TuneId } from "../../domain/ids.js"
import { BotDriver, type DriverUser } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { acceptablePhotos } from "../journey/photos.js"
import { after, delivery, englishWords, journey, next } from "../journey/steps.js"

/**
 * Paid orders Astria will not train as they stand: a saved model gone between the offer and the
 * payment (Astria deletes a model 30 days after training: docs/api/0-overview.md), a create
 * refused with 422 on `tune_ids`, and a create refused as invalid. Real adapter, fake Astria over HTTP.
 */
const bot = BotDriver.layer.pipe(
  Layer.provideMerge(
    harnessBot({
      storage: InMemoryStorage,
      settings: { PHOTO_THRESHOLD: "3", RETURNING_DISCOUNT_PERCENT: "20", RECONCILER_GRACE: "1 hour" }
    })
  )
)

const modelGone = /Your saved model is no longer available/

/** A first order delivered and rated, then a second with the saved model, up to its payment link. */
const returningToPayment = (person: DriverUser) =>
  Effect.gen(function* () {
    const driver = yield* BotDriver
    yield* person.says("hi")
    const first = yield* journey(person, englishWords)
    yield* delivery(driver, person, first, englishWords)
    const [model] = yield* Effect.flatMap(FakeAstria, (fake) => fake.control.tunes)
    let seen = yield* person.seen
    yield* person.says("hi again")
    const offersModel = (m: { readonly rows: ReadonlyArray<{ readonly description?: string | undefined }> }) =>
      m.rows.some((r) => /Use this model/.test(r.description ?? ""))
    seen = yield* next(person, seen.length, "welcome back with the saved model", offersModel)
    const offer = after(seen, 0).reverse().find(offersModel)!
    const mark = seen.length
    yield* person.picks(offer.rows.find((r) => /Use this model/.test(r.description ?? ""))!.id)
    seen = yield* next(person, mark, "the tiers", (m) => m.kind === "List" && m.rows.length === 3)
    yield* person.picks(after(seen, mark).find((m) => m.kind === "List" && m.rows.length === 3)!.rows[0]!.id)
    seen = yield* next(person, seen.length, "the packs", (m) => m.kind === "List")
    yield* person.picks(after(seen, mark).reverse().find((m) => m.kind === "List")!.rows[0]!.id)
    seen = yield* next(person, seen.length, "the payment link", (m) => m.kind === "LinkButton")
    return { mark: seen.length, modelId: TuneId.make(model!.id) }
  })

/** The newest order of the harness, and the reasons of its open attention items. */
const newestOrder = Effect.gen(function* () {
  const [order] = yield* Effect.flatMap(Orders, (orders) => orders.list({ limit: 1, offset: 0 }))
  const items = yield* Effect.flatMap(AttentionItems, (port) => port.openForOrder(OrderId.make(order!.id)))
  return { status: order!.status, reuses: Option.getOrNull(order!.reuseTuneId), reasons: items.map((item) => item.reason) }
})

const createsOfTunes = Effect.map(
  Effect.flatMap(FakeAstria, (fake) => fake.control.requests),
  (requests) => requests.filter((r) => r.method === "POST" && /^\/p\/\d+\/tunes/.test(r.path))
)

describe("saved models and refused creates", () => {
  layer(bot, { timeout: 180_000, excludeTestServices: true })("a returning customer", (it) => {
    it.effect(
      "whose model expired between the offer and the payment, with no photos left: told, and the order needs attention",
      () =>
        Effect.gen(function* () {
          const driver = yield* BotDriver
          const lea = yield* driver.user({ waId: "972506660001" })
          const { mark, modelId } = yield* returningToPayment(lea)
          const createsBefore = (yield* createsOfTunes).length
          // Astria deletes a model 30 days after training: gone by the time she pays.
          yield* Effect.flatMap(Astria, (astria) => astria.deleteTune(modelId))
          yield* lea.paysLatestLink
          yield* next(lea, mark, "what happens next", (m) => modelGone.test(m.text), 15_000)
          yield* driver.quiescent()
          expect(after(yield* lea.seen, mark).some((m) => englishWords.eta.test(m.text))).toBe(false)
          expect(yield* newestOrder).toEqual({ status: "NeedsAttention", reuses: modelId, reasons: ["SavedModelGone"] })
          // Checked before the create: Astria was not asked to train from a model it no longer has.
          expect(yield* createsOfTunes).toHaveLength(createsBefore)
        }),
      120_000
    )

    it.effect(
      "whose model is gone before they come back is not offered it, and one gone after the offer is not charged for",
      () =>
        Effect.gen(function* () {
          const driver = yield* BotDriver
          const astria = yield* Astria
          const offersModel = (m: { readonly rows: ReadonlyArray<{ readonly description?: string | undefined }> }) =>
            m.rows.some((r) => /Use this model/.test(r.description ?? ""))
          // Offered while it is there; gone before the pack is chosen: no payment link, the person is told.
          const tom = yield* driver.user({ waId: "972506660005" })
          yield* tom.says("hi")
          yield* delivery(driver, tom, yield* journey(tom, englishWords), englishWords)
          const [model] = yield* Effect.flatMap(FakeAstria, (fake) => fake.control.tunes)
          let seen = yield* tom.seen
          yield* tom.says("hi again")
          seen = yield* next(tom, seen.length, "welcome back with the saved model", offersModel)
          yield* tom.picks(after(seen, 0).reverse().find(offersModel)!.rows.find((r) => /Use this model/.test(r.description ?? ""))!.id)
          let mark = seen.length
          seen = yield* next(tom, mark, "the tiers", (m) => m.kind === "List" && m.rows.length === 3)
          yield* astria.deleteTune(TuneId.make(model!.id))
          mark = seen.length
          yield* tom.picks(after(seen, mark - 1).find((m) => m.kind === "List" && m.rows.length === 3)!.rows[0]!.id)
          yield* next(tom, mark, "the model unavailable", (m) => /isn't available anymore/.test(m.text))
          yield* driver.quiescent()
          expect(after(yield* tom.seen, mark).some((m) => m.kind === "LinkButton")).toBe(false)
          // Coming back later, the model is no longer offered.
          mark = (yield* tom.seen).length
          yield* tom.says("hello")
          yield* driver.quiescent()
          const welcome = after(yield* tom.seen, mark)
          expect(welcome.length).toBeGreaterThan(0)
          expect(welcome.some(offersModel)).toBe(false)
        }),
      120_000
    )

    it.effect(
      "whose model expired between the offer and the payment, with photos still stored: trained from the photos and delivered",
      () =>
        Effect.gen(function* () {
          const driver = yield* BotDriver
          const noa = yield* driver.user({ waId: "972506660004" })
          const { mark, modelId } = yield* returningToPayment(noa)
          const [order] = yield* Effect.flatMap(Orders, (orders) => orders.list({ limit: 1, offset: 0 }))
          // Photos kept from before (the photos are what a new model trains from).
          yield* Effect.forEach(acceptablePhotos, (bytes, index) =>
            Effect.flatMap(Photos, (photos) =>
              photos.add(
                new StoredPhoto({
                  id: PhotoId.make(`kept-${index}`),
                  userId: order!.userId,
                  sourceMessageId: `wamid.kept-${index}`,
                  bytes,
                  hash: `kept-${index}`,
                  width: 512,
                  height: 512,
                  createdAt: new Date()
                })
              )
            )
          )
          yield* Effect.flatMap(Astria, (astria) => astria.deleteTune(modelId))
          yield* noa.paysLatestLink
          yield* next(noa, mark, "the training ETA", (m) => englishWords.eta.test(m.text), 15_000)
          const create = (yield* createsOfTunes).at(-1)!
          expect([create.fields["tune[tune_ids][]"] ?? [], create.files.length]).toEqual([[], 3])
          yield* driver.astriaCompletesAll
          yield* next(noa, mark, "the rating list", (m) => m.kind === "List" && m.rows.length === 5, 20_000)
          expect((yield* newestOrder).status).toBe("Delivered")
        }),
      120_000
    )

    it.effect(
      "whose create Astria refuses with 422 on tune_ids: told, and the order needs attention",
      () =>
        Effect.gen(function* () {
          const driver = yield* BotDriver
          const fake = yield* FakeAstria
          const dan = yield* driver.user({ waId: "972506660002" })
          const { mark } = yield* returningToPayment(dan)
          yield* fake.control.inject({
            status: 422,
            method: "POST",
            path: "/p/",
            body: JSON.stringify({ tune_ids: ["not found"] })
          })
          yield* dan.paysLatestLink
          yield* next(dan, mark, "what happens next", (m) => modelGone.test(m.text), 15_000)
          yield* driver.quiescent()
          const order = yield* newestOrder
          expect([order.status, order.reasons]).toEqual(["NeedsAttention", ["SavedModelGone"]])
        }),
      120_000
    )
  })

  layer(bot, { timeout: 120_000, excludeTestServices: true })("a first order", (it) => {
    it.effect("whose create Astria refuses as invalid (422): told, and support has the reason", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const fake = yield* FakeAstria
        yield* fake.control.inject({ status: 422, method: "POST", path: "/p/", body: JSON.stringify({ name: ["is not offered by pack"] }) })
        const mia = yield* driver.user({ waId: "972506660003" })
        yield* mia.says("hi")
        yield* journey(mia, { ...englishWords, eta: /couldn't start your headshots/ })
        yield* driver.quiescent()
        expect(yield* newestOrder).toMatchObject({ status: "NeedsAttention", reasons: ["AstriaRefusedOrder"] })
        const [item] = yield* Effect.flatMap(AttentionItems, (items) => items.list({ state: "open", limit: 10, offset: 0 }))
        expect(item?.detail).toContain("name: is not offered by pack")
      })
    )
  })
})
