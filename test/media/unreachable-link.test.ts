import { randomUUID } from "node:crypto"
import * as http from "node:http"
import { afterAll, beforeAll, describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Schedule } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { OutboundWakeup } from "../../application/events/Wakeup.js"
import { AttentionItems } from "../../application/ports/AttentionItems.js"
import { OutboundMessages } from "../../application/ports/OutboundMessages.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { Users } from "../../application/ports/Users.js"
import { english } from "../../domain/catalogue/english.js"
import { MediaRef, OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"

const reachable = await isReachable()

/** A media host that is down: every request answers 503, and is counted. */
let requests = 0
const downHost = http.createServer((_req, res) => {
  requests++
  res.writeHead(503, { "content-type": "text/plain" }).end("down for maintenance")
})
let base = ""

beforeAll(async () => {
  await new Promise<void>((resolve) => downHost.listen(0, "127.0.0.1", resolve))
  const address = downHost.address()
  base = `http://127.0.0.1:${address !== null && typeof address === "object" ? address.port : 0}`
})

afterAll(() => {
  downHost.closeAllConnections()
  return new Promise<void>((resolve) => downHost.close(() => resolve()))
})

// Two tries: the first failure is retried after its 2-second back-off, the second gives up.
const supportNumber = "972509999998"
const settings = { MEDIA_LINK_ATTEMPTS: "2", SUPPORT_WHATSAPP: supportNumber }

const unreachableOn = (name: string, storage: Layer.Layer<StoragePorts, unknown>) =>
  layer(BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage, settings }))), {
    timeout: 30_000,
    excludeTestServices: true
  })(name, (it) => {
    it.effect(
      "a headshot whose link stays down is given up after the tries allowed, the person's next message reaches them, and they and support are told",
      () =>
        Effect.gen(function* () {
          const driver = yield* BotDriver
          const graph = yield* FakeGraph
          // The support agent is on WhatsApp and wrote to the bot's number today.
          yield* graph.addUser({ waId: supportNumber, name: "Support" })
          yield* graph.openWindow(supportNumber)
          const waId = `97250${Math.floor(1e6 + Math.random() * 9e6)}`
          const noa = yield* driver.user({ waId, name: "Noa" })
          yield* noa.says("hello")
          const mark = (yield* noa.waitUntil("the welcome", (seen) => seen.some((m) => m.kind === "List"))).length

          const users = yield* (yield* Users).list({ limit: 1000, offset: 0 })
          const user = users.find((u) => Option.contains(u.waId, waId))
          expect(user).toBeDefined()
          if (user === undefined) return
          const url = `${base}/headshot-${waId}`
          const recipient = { waId: Option.some(waId), bsuid: Option.none() }
          const imageId = randomUUID()
          const before = requests
          yield* (yield* OutboundMessages).enqueue([
            { id: imageId, userId: user.id, recipient, message: OutgoingMessage.Image({ media: MediaRef.Link({ url }) }), createdAt: new Date() },
            { id: randomUUID(), userId: user.id, recipient, message: OutgoingMessage.Text({ body: "after the image" }), createdAt: new Date() }
          ])
          yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)

          // The message queued behind the image goes first; the notice, decided once the image was given up, after it.
          const notice = english.mediaUndeliverable("Image")
          const seen = yield* noa.waitUntil("the notice about the image", (all) => all.some((m) => m.text === notice), 20_000)
          expect(seen.slice(mark).map((m) => [m.kind, m.text])).toEqual([["Text", "after the image"], ["Text", notice]])
          expect(requests - before).toBe(2)
          const intents = yield* (yield* OutboundMessages).listForUser(user.id)
          const image = intents.find((intent) => intent.id === imageId)
          expect(image?.status).toBe("failed")
          expect(image?.lastError.pipe(Option.getOrElse(() => ""))).toMatch(/^given up after 2 tries: .*503/)

          const toSupport = yield* graph.received(supportNumber).pipe(
            Effect.filterOrFail((received) => received.some((m) => JSON.stringify(m.body).includes(imageId)), () => "nothing yet"),
            Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.upTo("5 seconds")))
          )
          expect(JSON.stringify(toSupport.map((m) => m.body))).toMatch(
            new RegExp(`Support needed #\\d+ \\(MediaUndeliverable\\), stage \\w+: image not delivered: message ${imageId}`)
          )
          const items = yield* (yield* AttentionItems).list({ state: "open", limit: 100, offset: 0 })
          expect(items.filter((item) => item.detail.includes(imageId)).map((item) => item.reason)).toEqual(["MediaUndeliverable"])
        }),
      30_000
    )
  })

describe("a media link that stays unreachable", () => {
  unreachableOn("in memory", InMemoryStorage)
  if (reachable || inCi) unreachableOn("on Postgres", PgStorage.pipe(Layer.provideMerge(freshSchema("unreachable_link"))))
})
