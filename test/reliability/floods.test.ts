import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Schedule } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { actionId, ReplyAction } from "../../domain/conversation/ReplyAction.js"
import { BotDriver, type DriverUser } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import type { InboundDraft } from "../../testing/fakes/graph-api/model.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import type { SeenMessage } from "../../testing/SeenMessage.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"
import { distinctPhotos } from "./distinctPhotos.js"
import { english, enoughReplies, reactions, storedPhotosOf } from "./helpers.js"

// A long gap, so "just after the answer" holds however slow the machine is.
const settings = { PHOTO_THRESHOLD: "5", FLOOD_REPEAT_GAP: "1 minute" }
const reachable = await isReachable()

const slowDown = /faster than I can answer/
const text = (body: string): InboundDraft => ({ type: "text", text: { body } })
const photoConsentId = actionId(ReplyAction.AgreePhotos())
const asksConsent = (m: SeenMessage) => m.buttons.some((b) => b.id === photoConsentId)
const isWelcome = (m: SeenMessage) => m.kind === "List" && m.rows.some((r) => r.title === english.begin)
const slowDownNotices = (seen: ReadonlyArray<SeenMessage>) => seen.filter((m) => slowDown.test(m.text)).length

/** Everything in one signed webhook, as Meta batches a burst: the bot stores it all before deciding anything. */
const sendsAtOnce = (user: DriverUser, drafts: ReadonlyArray<InboundDraft>) =>
  Effect.flatMap(FakeGraph, (graph) =>
    graph.userSendsBatch(drafts.map((message) => ({ who: user.who, message })), "messages").pipe(Effect.orDie)
  )

const lines = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => text(`${prefix} ${i + 1}`))

const floodsOn = (name: string, storage: Layer.Layer<StoragePorts, unknown>) =>
  layer(BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage, settings }))), {
    timeout: 120_000,
    excludeTestServices: true
  })(name, (it) => {
    it.effect("five first messages sent at once get one welcome list", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const noa = yield* driver.user({ waId: "972505000001", name: "Noa" })
        yield* sendsAtOnce(noa, [text("hi"), text("hello"), text("is this the photo bot?"), text("I want headshots"), text("?")])
        yield* noa.waitUntil("the welcome list", (seen) => seen.some(isWelcome))
        yield* driver.quiescent()
        const seen = yield* noa.seen
        expect(seen.filter(isWelcome).length).toBe(1)
        expect(seen.length).toBe(1)
      }), 60_000)

    it.effect("lines typed one by one while the answer is still on its way get that one answer", () =>
      Effect.gen(function* () {
        const graph = yield* FakeGraph
        const driver = yield* BotDriver
        const eli = yield* driver.user({ waId: "972505000006", name: "Eli" })
        // The answer stays on its way (WhatsApp refuses it for now) until the person has typed on.
        yield* graph.fail({ code: 131056, times: 1_000_000, user: eli.who })
        yield* eli.says("hi")
        yield* Effect.flatMap(graph.attempts, (attempts) =>
          attempts.some((attempt) => attempt.address === eli.who.waId && attempt.code === 131056)
            ? Effect.void
            : Effect.fail("not yet")
        ).pipe(Effect.retry(Schedule.spaced("20 millis")), Effect.timeout("30 seconds"), Effect.orDie)
        yield* eli.says("hello")
        yield* eli.says("anyone there?")
        yield* graph.clearFaults
        yield* driver.quiescent({ timeoutMillis: 90_000 })
        const seen = yield* eli.seen
        expect(seen.filter(isWelcome).length).toBe(1)
        expect(seen.length).toBe(1)
      }), 120_000)

    it.effect("lines typed just after the answer went out get no second copy of it", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const dan = yield* driver.user({ waId: "972505000007", name: "Dan" })
        yield* dan.says("hi")
        yield* dan.waitUntil("the welcome list", (seen) => seen.some(isWelcome))
        yield* dan.says("hello")
        yield* dan.says("anyone there?")
        yield* driver.quiescent()
        const seen = yield* dan.seen
        expect(seen.filter(isWelcome).length).toBe(1)
        expect(seen.length).toBe(1)
      }), 60_000)

    it.effect("a person who has read the answer and writes again gets an answer again", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const graph = yield* FakeGraph
        const ada = yield* driver.user({ waId: "972505000008", name: "Ada" })
        yield* ada.says("hi")
        const welcome = (yield* ada.waitUntil("the welcome list", (seen) => seen.some(isWelcome))).find(isWelcome)!
        // Meta says she read it; what she writes next was written after reading, not before.
        yield* graph.emitStatuses(welcome.id, ["delivered", "read"])
        yield* driver.quiescent()
        yield* ada.says("hello?")
        yield* ada.waitUntil("a second answer", (seen) => seen.filter(isWelcome).length === 2)
      }), 60_000)

    it.effect("a flood of texts from one person queues a bounded number of replies and one slow-down notice", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const graph = yield* FakeGraph
        const tom = yield* driver.user({ waId: "972505000002", name: "Tom" })
        const { wamids } = yield* sendsAtOnce(tom, lines(300, "spam"))
        yield* tom.waitUntil("a notice to slow down", (seen) => slowDownNotices(seen) > 0, 60_000)
        yield* driver.quiescent({ timeoutMillis: 60_000 })
        const seen = yield* tom.seen
        expect(slowDownNotices(seen)).toBe(1)
        expect(seen.filter(isWelcome).length).toBe(1)
        expect(seen.length).toBe(2)
        // Read receipts too: the ten texts within the limit and the one answered with the notice.
        const flood = new Set(wamids)
        expect((yield* graph.readReceipts).filter((receipt) => flood.has(receipt.messageId)).length).toBe(11)
      }), 120_000)

    it.effect("a list reply, a button tap and photos inside a flood of texts are each handled; the texts get one notice", () =>
      Effect.gen(function* () {
        const graph = yield* FakeGraph
        const driver = yield* BotDriver
        const lea = yield* driver.user({ waId: "972505000003", name: "Lea" })
        yield* lea.says("hi")
        const welcome = (yield* lea.waitUntil("the welcome list", (seen) => seen.some(isWelcome))).find(isWelcome)!
        const begin = welcome.rows.find((row) => row.title === english.begin)!
        const pick: InboundDraft = {
          type: "interactive",
          context: { from: "bot", id: welcome.id },
          interactive: { type: "list_reply", list_reply: { id: begin.id, title: begin.title } }
        }
        yield* sendsAtOnce(lea, [...lines(15, "before"), pick, ...lines(15, "after")])
        yield* lea.waitUntil("the guidelines", (seen) => seen.some((m) => m.buttons.some((b) => b.title === english.ready)))
        yield* driver.quiescent()
        const beforePhotos = yield* lea.seen
        expect(beforePhotos.filter((m) => m.buttons.some((b) => b.title === english.ready)).length).toBe(1)
        expect(slowDownNotices(beforePhotos)).toBe(1)

        // "I'm ready" asks whether photos may be kept; the agreement is the tap inside the flood.
        yield* lea.taps(english.ready)
        const question = (yield* lea.waitUntil("the photo question", (seen) => seen.some(asksConsent))).findLast(asksConsent)!
        const agree = question.buttons.find((b) => b.id === photoConsentId)!
        const tap: InboundDraft = {
          type: "interactive",
          context: { from: "bot", id: question.id },
          interactive: { type: "button_reply", button_reply: { id: agree.id, title: agree.title } }
        }
        const mark = (yield* lea.seen).length
        const mediaIds = yield* Effect.forEach(yield* distinctPhotos(5), (photo) => graph.putMedia(photo, "image/jpeg"))
        const photo = (id: string): InboundDraft => ({ type: "image", image: { id, mime_type: "image/jpeg", sha256: "" } })
        // A tap and photos among more texts than the rate allows: the tap is answered, each photo
        // still checked and counted. The photos come in the next webhook, once the agreement is
        // answered: messages sent in the same moment reach the bot in no guaranteed order, as from Meta.
        yield* sendsAtOnce(lea, [...lines(4, "ready?"), tap])
        yield* lea.waitUntil("the go-ahead", (seen) => seen.slice(mark).some((m) => /Send your photos now/.test(m.text)))
        yield* sendsAtOnce(lea, mediaIds.flatMap((id, i) => [photo(id), ...lines(4, `photo ${i + 1} said`)]))
        yield* lea.waitUntil("a reaction to each of the 5 photos", (seen) => reactions(seen, mark) === 5, 40_000)
        yield* driver.quiescent()
        const seen = yield* lea.seen
        expect(yield* storedPhotosOf("972505000003")).toBe(5)
        expect(reactions(seen, mark)).toBe(5)
        expect(enoughReplies(seen)).toBe(1)
        expect(seen.slice(mark).filter((m) => /Send your photos now/.test(m.text)).length).toBe(1)
        // The go-ahead, five reactions, "that's enough photos" and what comes next; the texts get
        // nothing more (the notice went out a moment ago).
        expect(seen.length - mark).toBeLessThanOrEqual(9)
      }), 120_000)

    it.effect("one person's flood does not hold back another person's answer", () =>
      Effect.gen(function* () {
        const graph = yield* FakeGraph
        const driver = yield* BotDriver
        const flooder = yield* driver.user({ waId: "972505000004", name: "Flood" })
        const ordinary = yield* driver.user({ waId: "972505000005", name: "Ordinary" })
        // Every send to the flooder is refused (a pair-rate refusal) until the gate opens: their
        // replies wait while the other person's answer goes out.
        yield* graph.fail({ code: 131056, times: 1_000_000, user: flooder.who })
        yield* sendsAtOnce(flooder, lines(300, "flood"))
        yield* ordinary.says("hi")
        yield* ordinary.waitUntil("the welcome list", (seen) => seen.some(isWelcome), 60_000)
        expect((yield* flooder.seen).length).toBe(0)
        yield* graph.clearFaults
        yield* driver.quiescent({ timeoutMillis: 90_000 })
        const flooded = yield* flooder.seen
        expect(flooded.filter(isWelcome).length).toBe(1)
        expect(slowDownNotices(flooded)).toBe(1)
        expect(flooded.length).toBe(2)
        expect((yield* ordinary.seen).length).toBe(1)
      }), 120_000)
  })

describe("one person's burst of messages", () => {
  floodsOn("in memory", InMemoryStorage)
  if (reachable || inCi) floodsOn("on Postgres", PgStorage.pipe(Layer.provideMerge(freshSchema("floods"))))
})
