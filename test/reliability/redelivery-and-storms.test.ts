import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { InboundMessages } from "../../application/ports/InboundMessages.js"
import { Users } from "../../application/ports/Users.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { after, next } from "../journey/steps.js"
import { distinctPhotos } from "./distinctPhotos.js"
import { english, reactions, readyForPhotos, storedPhotosOf } from "./helpers.js"

const bot = BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "5" } })))

const welcomes = (seen: ReadonlyArray<{ readonly kind: string; readonly rows: ReadonlyArray<{ readonly title: string }> }>) =>
  seen.filter((m) => m.kind === "List" && m.rows.some((r) => r.title === english.begin)).length

describe("Meta's redeliveries and refusals", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("over the harness", (it) => {
    it.effect("a message delivered five times takes effect once: one welcome, one stored message; a photo five times is one photo", () =>
      Effect.gen(function* () {
        const graph = yield* FakeGraph
        const driver = yield* BotDriver
        const avi = yield* driver.user({ waId: "972504100001", name: "Avi" })
        const { statuses } = yield* graph.userSends(avi.who, { type: "text", text: { body: "hello" } }, { times: 5 })
        expect(statuses).toEqual([200, 200, 200, 200, 200])
        yield* avi.waitUntil("the welcome", (seen) => welcomes(seen) >= 1)
        yield* driver.quiescent()
        expect(welcomes(yield* avi.seen)).toBe(1)
        const users = yield* (yield* Users).list({ limit: 100, offset: 0 })
        const user = users.find((u) => u.waId._tag === "Some" && u.waId.value === "972504100001")
        expect(user).toBeDefined()
        expect(yield* (yield* InboundMessages).countForUser(user!.id)).toBe(1)

        // The same for a photo: one download, one stored photo, one reaction.
        const [photo] = yield* distinctPhotos(1)
        yield* avi.picks(english.begin)
        const mark = (yield* next(avi, 0, "the guidelines", (m) => m.buttons.some((b) => b.title === english.ready))).length
        yield* avi.taps(english.ready)
        yield* avi.agreesToPhotos()
        const ready = (yield* next(avi, mark, "the go-ahead", (m) => m.kind === "Text")).length
        const mediaId = yield* graph.putMedia(photo!, "image/jpeg")
        yield* graph.userSends(avi.who, { type: "image", image: { id: mediaId, mime_type: "image/jpeg", sha256: "" } }, { times: 5 })
        yield* avi.waitUntil("the reaction", (seen) => reactions(seen, ready) >= 1)
        yield* driver.quiescent()
        expect(reactions(yield* avi.seen, ready)).toBe(1)
        expect(yield* storedPhotosOf("972504100001")).toBe(1)
        expect((yield* graph.downloads).filter((d) => d.mediaId === mediaId && d.status === 200)).toHaveLength(1)
      })
    )

    // More refusals in a row than the adapter retries one send (6 and 5 retries): the stored
    // outbound intent must outlive them.
    for (const [code, times] of [[130429, 12], [131056, 8]] as const) {
      it.effect(`a storm of ${times} ${code} refusals: every reply is delivered once, in order, paced`, () =>
        Effect.gen(function* () {
          const graph = yield* FakeGraph
          const driver = yield* BotDriver
          const waId = `97250420${code % 10_000}`
          const person = yield* driver.user({ waId, name: "Storm" })
          yield* graph.fail({ code, times, user: { waId } })
          // The sender backs off for seconds once the adapter's own retries are spent.
          const seen = yield* readyForPhotos(person, 25_000)
          yield* driver.quiescent()
          const all = yield* person.seen
          const refused = (yield* graph.attempts).filter((a) => a.code === code)
          expect(refused).toHaveLength(times)
          // Pacing: after each refusal the next try to this person waits at least the harness's base
          // back-off (20 ms for 130429, 50 ms for 131056) less its 20% jitter.
          const toPerson = (yield* graph.attempts).filter((a) => a.address === waId)
          const gaps = toPerson.slice(1).flatMap((a, i) => (toPerson[i]!.code === code ? [a.at - toPerson[i]!.at] : []))
          expect(gaps.length).toBeGreaterThanOrEqual(times)
          expect(Math.min(...gaps)).toBeGreaterThanOrEqual(code === 131056 ? 40 : 16)
          // Welcome, guidelines and go-ahead, each exactly once and in the order asked.
          expect(welcomes(all)).toBe(1)
          expect(all.filter((m) => m.buttons.some((b) => b.title === english.ready))).toHaveLength(1)
          expect(new Set(all.map((m) => m.id)).size).toBe(all.length)
          expect(after(all, seen.length)).toEqual([])
        }),
        60_000
      )
    }
  })
})
