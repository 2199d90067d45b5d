import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
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
    yield* Effect.sleep("500 millis")
    expect(imagesOf(after(yield* ruth.seen, mark))).toBe(0)

    const replied = (yield* ruth.seen).length
    yield* ruth.says("Yes, I'm here")
    const seen = yield* next(ruth, replied, "the rating after the held images", (m) => m.kind === "List" && m.rows.length === 5, 15_000)
    expect(imagesOf(after(seen, mark))).toBe(12)
    yield* Effect.sleep("500 millis")
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
