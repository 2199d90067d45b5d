import { randomUUID } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { OutboundWakeup } from "../../application/events/Wakeup.js"
import { OutboundMessages } from "../../application/ports/OutboundMessages.js"
import { Users } from "../../application/ports/Users.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"

const settings = {
  WHATSAPP_REENGAGEMENT_TEMPLATE: "photos_ready",
  WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE: "en_US",
  WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE_HE: "he"
}

/** The language code of the re-engagement template a person gets once their 24-hour window has closed. */
const templateLanguageAfterTheWindow = (waId: string, firstWords: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const driver = yield* BotDriver
    const graph = yield* FakeGraph
    const person = yield* driver.user({ waId })
    for (const words of firstWords) yield* person.says(words)
    yield* driver.quiescent()
    yield* graph.closeWindow(person.who)
    const user = (yield* (yield* Users).list({ limit: 1000, offset: 0 })).find((u) => Option.contains(u.waId, waId))!
    yield* (yield* OutboundMessages).enqueue([
      {
        id: randomUUID(),
        userId: user.id,
        recipient: { waId: Option.some(waId), bsuid: Option.none() },
        message: OutgoingMessage.Text({ body: "your headshots are ready" }),
        createdAt: new Date()
      }
    ])
    yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)
    yield* person.waitUntil("the re-engagement template", (seen) => seen.some((m) => m.kind === "Template"))
    const received = yield* graph.received(person.who)
    const template = received.map((m) => m.body).find((body) => body.type === "template")
    return template?.type === "template" ? template.template.language.code : undefined
  })

describe("the re-engagement template", () => {
  layer(BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings }))), {
    timeout: 60_000,
    excludeTestServices: true
  })("configured in English and in Hebrew", (it) => {
    it.effect("goes to each person in the language they speak with the bot", () =>
      Effect.gen(function* () {
        expect(yield* templateLanguageAfterTheWindow("972507000001", ["hello"])).toBe("en_US")
        expect(yield* templateLanguageAfterTheWindow("972507000002", ["hello", "עברית"])).toBe("he")
      }), 60_000)
  })
})
