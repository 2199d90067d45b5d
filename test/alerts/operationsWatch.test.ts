import { randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Schedule } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { checkOperations, incidentKeys } from "../../application/alerts/watchOperations.js"
import { OutboundWakeup } from "../../application/events/Wakeup.js"
import { AttentionItems } from "../../application/ports/AttentionItems.js"
import { EventBroker } from "../../application/ports/EventBroker.js"
import { OutboundMessages } from "../../application/ports/OutboundMessages.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { Users } from "../../application/ports/Users.js"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"

const reachable = await isReachable()
const supportNumber = "972509999997"
const settings = { SUPPORT_WHATSAPP: supportNumber, ALERT_OUTBOUND_BACKLOG: "10 minutes" }
const newWaId = () => `97250${Math.floor(1e6 + Math.random() * 9e6)}`

const openItems = Effect.flatMap(AttentionItems, (items) => items.list({ state: "open", limit: 1000, offset: 0 }))
const itemsFor = (reason: string) => Effect.map(openItems, (items) => items.filter((item) => item.reason === reason))

/** What support received on WhatsApp that mentions `reason`. */
const toSupport = (reason: string) =>
  Effect.flatMap(FakeGraph, (graph) => graph.received(supportNumber)).pipe(
    Effect.map((received) => received.filter((m) => JSON.stringify(m.body).includes(`(${reason})`)))
  )

const watchOn = (name: string, storage: Layer.Layer<StoragePorts, unknown>) =>
  layer(BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage, settings }))), {
    timeout: 60_000,
    excludeTestServices: true
  })(name, (it) => {
    it.effect("a rejected access token keeps the replies waiting, not lost, and tells support once", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const graph = yield* FakeGraph
        yield* graph.addUser({ waId: supportNumber, name: "Support" })
        yield* graph.openWindow(supportNumber)
        // Meta refuses the token on the next three sends (the welcome, its retry, and more).
        yield* graph.fail({ code: 190, times: 3 })
        const noa = yield* driver.user({ waId: newWaId(), name: "Noa" })
        yield* noa.says("hello")
        yield* noa.waitUntil("the welcome, once the token is accepted again", (seen) => seen.some((m) => m.kind === "List"), 30_000)
        yield* driver.quiescent()
        expect(yield* itemsFor("WhatsAppTokenRejected")).toHaveLength(1)
        const told = yield* toSupport("WhatsAppTokenRejected")
        expect(told).toHaveLength(1)
        expect(JSON.stringify(told[0]!.body)).toContain("URGENT: Support needed #")
        for (const item of yield* itemsFor("WhatsAppTokenRejected")) {
          yield* Effect.flatMap(AttentionItems, (items) => items.close(item.number, new Date(), "token renewed"))
        }
      }),
      60_000
    )

    it.effect("a reply stuck past the threshold is an incident, told once, closed when it goes out", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const graph = yield* FakeGraph
        const waId = newWaId()
        const dana = yield* driver.user({ waId, name: "Dana" })
        yield* dana.says("hello")
        yield* dana.waitUntil("the welcome", (seen) => seen.some((m) => m.kind === "List"))
        const user = (yield* (yield* Users).list({ limit: 1000, offset: 0 })).find((u) => Option.contains(u.waId, waId))!
        // WhatsApp answers 503 for a while: a reply queued 20 minutes ago is still waiting.
        yield* graph.failHttp(503, 1000)
        yield* (yield* OutboundMessages).enqueue([
          {
            id: randomUUID(),
            userId: user.id,
            recipient: { waId: Option.some(waId), bsuid: Option.none() },
            message: OutgoingMessage.Text({ body: "late reply" }),
            createdAt: new Date(Date.now() - 20 * 60_000)
          }
        ])
        const first = yield* checkOperations
        expect(Option.getOrThrow(first.oldestPendingMinutes)).toBeGreaterThanOrEqual(20)
        yield* checkOperations
        expect(yield* itemsFor("OutboundBacklog")).toHaveLength(1)

        yield* graph.clearFaults
        yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)
        yield* dana.waitUntil("the late reply", (seen) => seen.some((m) => m.text === "late reply"), 30_000)
        yield* driver.quiescent()
        expect((yield* checkOperations).oldestPendingMinutes).toEqual(Option.none())
        expect(yield* itemsFor("OutboundBacklog")).toEqual([])
        const closed = yield* Effect.flatMap(AttentionItems, (items) => items.list({ state: "closed", limit: 1000, offset: 0 }))
        expect(closed.filter((item) => Option.contains(item.dedupeKey, incidentKeys.outboundBacklog)).map((item) => item.resolution)).toEqual([
          Option.some("passed by itself")
        ])
        // Support was told once, though the check ran twice while it lasted.
        expect(yield* toSupport("OutboundBacklog")).toHaveLength(1)
      }),
      60_000
    )

    it.effect("dead letters are an incident naming the commands to look and replay", () =>
      Effect.gen(function* () {
        const broker = yield* EventBroker
        // An event no consumer can read is given up on at once.
        yield* broker.publish([
          { id: randomUUID(), key: `poison-${randomUUID()}`, eventType: BotEvents.LikePromptsRequested.eventType, body: "not json" }
        ])
        yield* Effect.flatMap(BotDriver, (driver) => driver.quiescent())
        const report = yield* checkOperations.pipe(
          Effect.filterOrFail((found) => found.deadLetters > 0, () => "no dead letter yet"),
          Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo("10 seconds")))
        )
        expect(report.deadLetters).toBeGreaterThan(0)
        const [item] = yield* itemsFor("DeadLetters")
        expect(item?.detail).toContain("dead-letters replay")
      }),
      60_000
    )
  })

describe("the operations watch", () => {
  watchOn("in memory", InMemoryStorage)
  if (reachable || inCi) watchOn("on Postgres", PgStorage.pipe(Layer.provideMerge(freshSchema("operations_watch"))))
})
