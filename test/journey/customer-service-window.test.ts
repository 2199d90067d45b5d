import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { OutboundMessages } from "../../application/ports/OutboundMessages.js"
import { Users } from "../../application/ports/Users.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { after, journey, next, englishWords } from "./steps.js"


const botRefusing = (mode: "sync" | "status") =>
  BotDriver.layer.pipe(
    Layer.provideMerge(
      harnessBot({ storage: InMemoryStorage, graph: { customerServiceWindow: mode }, settings: { PHOTO_THRESHOLD: "3" } })
    )
  )

const imagesOf = (seen: ReadonlyArray<{ readonly kind: string }>) => seen.filter((m) => m.kind === "Image").length

/** The statuses of the images the bot means to send this person, read through the outbound queue. */
const imageIntentsOf = (waId: string) =>
  Effect.gen(function* () {
    const users = yield* (yield* Users).list({ limit: 1000, offset: 0 })
    const user = users.find((u) => Option.contains(u.waId, waId))
    if (user === undefined) return []
    const intents = yield* (yield* OutboundMessages).listForUser(user.id)
    return intents.filter((intent) => intent.message._tag === "Image").map((intent) => intent.status)
  })

const imagesAfterTheWindowClosed = (waId: string) =>
  Effect.gen(function* () {
    const driver = yield* BotDriver
    const graph = yield* FakeGraph
    const ruth = yield* driver.user({ waId })
    yield* ruth.says("hi")
    const mark = yield* journey(ruth, englishWords)
    // Training takes longer than a day: the person's 24-hour window has closed when the images are ready.
    yield* graph.closeWindow(ruth.who)
    yield* driver.astriaCompletesAll
    const templated = yield* next(ruth, mark, "the re-engagement template", (m) => m.kind === "Template", 15_000)
    expect(imagesOf(after(templated, mark))).toBe(0)
    yield* driver.quiescent()
    expect(imagesOf(after(yield* ruth.seen, mark))).toBe(0)
    // Beside the example photos sent earlier, every image is held for the person's reply: none
    // given up, none still trying.
    const unsent = (yield* imageIntentsOf(waId)).filter((status) => status !== "sent")
    expect(unsent).toEqual(Array.from({ length: 12 }, () => "awaiting_window"))

    const replied = (yield* ruth.seen).length
    yield* ruth.says("Yes, I'm here")
    const seen = yield* next(ruth, replied, "the rating after the held images", (m) => m.kind === "List" && m.rows.length === 5, 15_000)
    expect(imagesOf(after(seen, mark))).toBe(12)
    yield* driver.quiescent()
    const all = after(yield* ruth.seen, mark)
    expect(imagesOf(all)).toBe(12)
    expect(all.filter((m) => m.kind === "Template")).toHaveLength(1)
  })

describe("the 24-hour customer service window", () => {
  layer(botRefusing("sync"), { timeout: 60_000, excludeTestServices: true })("refused at once (131047)", (it) => {
    it.effect("images ready after the window closed reach the person once, after the template and their reply", () =>
      imagesAfterTheWindowClosed("972506000001"), 60_000)
  })
  layer(botRefusing("status"), { timeout: 60_000, excludeTestServices: true })("refused later by a failed status", (it) => {
    it.effect("the same when Meta accepts the send and reports 131047 afterwards", () =>
      imagesAfterTheWindowClosed("972506000002"), 60_000)
  })
})
