import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { OutboxWakeup } from "../../application/events/Wakeup.js"
import { AttentionItems } from "../../application/ports/AttentionItems.js"
import { Orders } from "../../application/ports/Orders.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { englishWords, journey, next } from "../journey/steps.js"
import { cliAgainstBot } from "../support-requests/cliAgainst.js"

/**
 * Astria's 402 (out of credits) is permanent for the order until someone tops the account up
 * (docs/api/0-overview.md, "Error Codes"; the fake answers it as astriaai/headshots-starter
 * expects). Real adapter, fake Astria over HTTP.
 */
const supportNumber = "972509999555"

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(
    harnessBot({
      storage: InMemoryStorage,
      settings: { PHOTO_THRESHOLD: "3", SUPPORT_WHATSAPP: supportNumber, RECONCILER_GRACE: "1 hour" }
    })
  )
)

/** The journey up to payment, ending with what the person is told instead of the training ETA. */
const toldOnHold = { ...englishWords, eta: /Your payment is safe/ }

const Listed = Schema.Array(
  Schema.Struct({
    id: Schema.String,
    attention: Schema.Array(Schema.Struct({ number: Schema.Int, reason: Schema.String, urgent: Schema.Boolean }))
  })
)

describe("Astria out of credits during a burst of paid orders", () => {
  layer(bot, { timeout: 120_000, excludeTestServices: true })("402 on every create", (it) => {
    it.effect(
      "every order needs attention, each person is told what happens next, support is told once; retried after the top-up, each is delivered",
      () =>
        Effect.gen(function* () {
          const graph = yield* FakeGraph
          yield* graph.addUser({ waId: supportNumber, name: "Support" })
          yield* graph.openWindow(supportNumber)
          const fake = yield* FakeAstria
          yield* fake.control.setOutOfCredits(true)
          const driver = yield* BotDriver
          const people = yield* Effect.forEach(["972505550001", "972505550002", "972505550003"], (waId) =>
            driver.user({ waId })
          )
          const marks = yield* Effect.forEach(
            people,
            (person) => Effect.zipRight(person.says("hi"), journey(person, toldOnHold)),
            { concurrency: 3 }
          )
          yield* driver.quiescent()

          const orders = yield* Effect.flatMap(Orders, (port) => port.list({ limit: 10, offset: 0 }))
          expect(orders.map((order) => order.status)).toEqual(["NeedsAttention", "NeedsAttention", "NeedsAttention"])
          expect(yield* fake.control.tunes).toHaveLength(0)

          const open = yield* Effect.flatMap(AttentionItems, (items) => items.list({ state: "open", limit: 10, offset: 0 }))
          expect(open.map((item) => [item.reason, item.urgent])).toEqual([["AstriaOutOfCredits", true]])
          expect(open[0]!.notes).toHaveLength(2)
          const toSupport = (yield* graph.received(supportNumber)).map((m) => JSON.stringify(m.body))
          expect(toSupport.filter((body) => body.includes("AstriaOutOfCredits"))).toHaveLength(1)
          expect(toSupport.join(" ")).toContain("URGENT")

          const listed = yield* cliAgainstBot(["orders", "attention", "--json"])
          expect(listed.exitCode).toBe(0)
          const rows = Schema.decodeUnknownSync(Listed)(JSON.parse(listed.stdout))
          expect(rows.map((row) => row.id).sort()).toEqual(orders.map((order) => order.id).sort())
          expect(rows.every((row) => row.attention.some((item) => item.reason === "AstriaOutOfCredits"))).toBe(true)

          // Only an order on hold is retried.
          const early = yield* cliAgainstBot(["orders", "retry", "no-such-order"])
          expect([early.exitCode, early.stderr]).toEqual([1, expect.stringContaining("There is no order no-such-order")])

          yield* fake.control.setOutOfCredits(false)
          for (const order of orders) {
            const retried = yield* cliAgainstBot(["orders", "retry", order.id])
            expect(retried.exitCode).toBe(0)
          }
          // The CLI is another process in production: the relay would find the requests on its next poll.
          yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.notify)
          yield* Effect.forEach(people, (person, i) => next(person, marks[i]!, "the training ETA", (m) => englishWords.eta.test(m.text), 20_000))
          yield* driver.astriaCompletesAll
          yield* Effect.forEach(people, (person, i) =>
            next(person, marks[i]!, "the rating list", (m) => m.kind === "List" && m.rows.length === 5, 20_000)
          )
          yield* driver.quiescent()
          const delivered = yield* Effect.flatMap(Orders, (port) => port.list({ limit: 10, offset: 0 }))
          expect(delivered.map((order) => order.status)).toEqual(["Delivered", "Delivered", "Delivered"])
          expect(yield* Effect.flatMap(AttentionItems, (items) => items.list({ state: "open", limit: 10, offset: 0 }))).toEqual([])
          // Support heard nothing more: one notice for the whole outage.
          expect((yield* graph.received(supportNumber)).length).toBe(toSupport.length)
        }),
      120_000
    )
  })
})
