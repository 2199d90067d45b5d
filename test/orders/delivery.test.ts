import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { Orders } from "../../application/ports/Orders.js"
import { OrderId } from "../../domain/ids.js"
import { BotDriver } from "../../testing/BotDriver.js"
import type { DriverUser } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import type { SeenMessage } from "../../testing/SeenMessage.js"
import { after, englishWords, journey, next } from "../journey/steps.js"

/**
 * An order is delivered when every prompt of its tune is done and every image sent, whether the
 * images come by Astria's callbacks or by the reconciler, and part of them may come first. The
 * fake trains by itself in a moment but renders only when told (its own render is an hour away),
 * so the test decides which prompts are ready; the reconciler looks soon after the ETA.
 */
const botWithReconcilerGrace = (grace: string) =>
  BotDriver.layer.pipe(
    Layer.provideMerge(
      harnessBot({
        storage: InMemoryStorage,
        astria: { clock: { trainingMs: 400, renderMs: 3_600_000 } },
        settings: { PHOTO_THRESHOLD: "3", RECONCILER_GRACE: grace, RECONCILER_INTERVAL: "200 millis" }
      })
    )
  )

const images = (seen: ReadonlyArray<SeenMessage>) => seen.filter((m) => m.kind === "Image")
const isRatingList = (m: SeenMessage) => m.kind === "List" && m.rows.length === 5

/** The newest tune is the order just paid: its title is our order id. */
const newestTune = Effect.gen(function* () {
  const fake = yield* FakeAstria
  const [tune] = yield* fake.control.tunes
  return { tuneId: tune!.id, orderId: OrderId.make(tune!.title ?? "") }
})

const orderStatus = (orderId: OrderId) =>
  Effect.map(
    Effect.flatMap(Orders, (orders) => orders.get(orderId)),
    Option.map((order) => ({ status: order.status, delivered: Option.isSome(order.deliveredAt) }))
  )

const paidAndTrained = (user: DriverUser) =>
  Effect.gen(function* () {
    yield* user.says("hi")
    const mark = yield* journey(user, englishWords)
    const fake = yield* FakeAstria
    const order = yield* newestTune
    yield* fake.control.finishTraining(order.tuneId)
    return { mark, ...order }
  })

describe("every paid order delivered in full", () => {
  layer(botWithReconcilerGrace("200 millis"), { timeout: 90_000, excludeTestServices: true })("one prompt of three rendered first, callbacks lost", (it) => {
    it.effect(
      "the reconciler sends the ready prompt's images, the order stays open, and the rest follow with the rating list",
      () =>
        Effect.gen(function* () {
          const driver = yield* BotDriver
          const fake = yield* FakeAstria
          yield* fake.control.dropCallbacks(true)
          const noa = yield* driver.user({ waId: "972504444441", name: "Noa" })
          const { mark, orderId, tuneId } = yield* paidAndTrained(noa)

          yield* fake.control.renderSomePrompts(tuneId, 1)
          yield* noa.waitUntil("the first prompt's 4 images", (seen) => images(after(seen, mark)).length >= 4, 20_000)
          // The images were queued in the transaction that moved the order.
          expect(yield* orderStatus(orderId)).toEqual(Option.some({ status: "Delivering", delivered: false }))

          yield* fake.control.renderPrompts(tuneId)
          yield* noa.waitUntil("all 12 images", (seen) => images(after(seen, mark)).length >= 12, 20_000)
          yield* next(noa, mark, "the rating list", isRatingList, 20_000)
          yield* driver.quiescent()
          const all = after(yield* noa.seen, mark)
          expect(images(all)).toHaveLength(12)
          expect(new Set(images(all).map((m) => m.url ?? m.id)).size).toBe(12)
          expect(all.filter(isRatingList)).toHaveLength(1)
          // The rating list comes once, after the last image.
          expect(all.findIndex(isRatingList)).toBeGreaterThan(all.indexOf(images(all)[11]!))
          expect(yield* orderStatus(orderId)).toEqual(Option.some({ status: "Delivered", delivered: true }))
        }),
      90_000
    )
  })

  // The reconciler waits an hour past the ETA here: only the callbacks can deliver the order.
  layer(botWithReconcilerGrace("1 hour"), { timeout: 90_000, excludeTestServices: true })("every prompt rendered at once, by callback", (it) => {
    it.effect(
      "on the callback path the order is marked delivered, so the reconciler no longer asks Astria about it",
      () =>
        Effect.gen(function* () {
          const driver = yield* BotDriver
          const fake = yield* FakeAstria
          const maya = yield* driver.user({ waId: "972504444442", name: "Maya" })
          const { mark, orderId, tuneId } = yield* paidAndTrained(maya)
          yield* fake.control.renderPrompts(tuneId)
          yield* next(maya, mark, "the rating list", isRatingList, 20_000)
          yield* driver.quiescent()
          expect(images(after(yield* maya.seen, mark))).toHaveLength(12)
          expect((yield* fake.control.callbacks).filter((c) => c.body.startsWith("[")).every((c) => c.status === 200)).toBe(true)
          expect(yield* orderStatus(orderId)).toEqual(Option.some({ status: "Delivered", delivered: true }))
          // What the reconciler asks Astria about: every order overdue however late it is.
          const overdue = yield* Effect.flatMap(Orders, (orders) => orders.overdue(new Date(Date.now() + 86_400_000), 0))
          expect(overdue.map((order) => order.id)).not.toContain(orderId)
        }),
      90_000
    )
  })
})
