import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Schema } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { AttentionItems, NewAttentionItem } from "../../application/ports/AttentionItems.js"
import { InboundMessageRecord, InboundMessages } from "../../application/ports/InboundMessages.js"
import { Users } from "../../application/ports/Users.js"
import { UserId, WhatsAppMessageId } from "../../domain/ids.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { after, next } from "../journey/steps.js"
import { cliAgainstBot } from "./cliAgainst.js"

const template = "support_follow_up"
const bot = BotDriver.layer.pipe(
  Layer.provideMerge(
    harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3", WHATSAPP_REENGAGEMENT_TEMPLATE: template } })
  )
)
const cliSettings = { WHATSAPP_REENGAGEMENT_TEMPLATE: template, WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE: "en_US" }

const Shown = Schema.Struct({
  notes: Schema.Array(Schema.Struct({ at: Schema.String, author: Schema.String, text: Schema.String }))
})
const Listed = Schema.Array(Schema.Struct({ number: Schema.Int, userId: Schema.NullOr(Schema.String) }))

const helpRequestOf = (userId: string) =>
  Effect.gen(function* () {
    const list = yield* cliAgainstBot(["attention", "list", "--json"])
    const found = Schema.decodeUnknownSync(Listed)(JSON.parse(list.stdout)).find((item) => item.userId === userId)
    if (found === undefined) return yield* Effect.dieMessage(`no item for ${userId}: ${list.stdout} ${list.stderr}`)
    return found.number
  })

const userIdOf = (waId: string) =>
  Effect.flatMap(Users, (users) => users.list({ limit: 100_000, offset: 0 })).pipe(
    Effect.map((all) => all.find((user) => Option.contains(user.waId, waId))?.id),
    Effect.flatMap(Effect.fromNullable),
    Effect.orDie
  )

describe("support answers from the command line, through the bot's number", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("over the harness", (it) => {
    it.effect("inside the 24-hour window the reply goes as text, and is noted on the item", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const waId = "972507771001"
        const person = yield* driver.user({ waId })
        yield* person.says("hi")
        let seen = yield* next(person, 0, "the welcome", (m) => m.rows.some((r) => r.title === "Support"))
        yield* person.picks("Support")
        seen = yield* next(person, seen.length, "the promise of a person", (m) => /Someone from our team/.test(m.text))
        const number = yield* helpRequestOf(yield* userIdOf(waId))

        const reply = yield* cliAgainstBot(["support", "reply", `#${number}`, "Hi, Dana from support here. Which photo fails?", "--author", "dana"], cliSettings)
        expect(reply.exitCode, reply.stderr).toBe(0)
        expect(reply.stdout).toContain(`#${number}`)
        const answered = yield* next(person, seen.length, "support's answer", (m) => m.text === "Hi, Dana from support here. Which photo fails?")
        expect(after(answered, seen.length).filter((m) => m.kind === "Template")).toEqual([])

        const shown = Schema.decodeUnknownSync(Shown)(JSON.parse((yield* cliAgainstBot(["attention", "show", String(number), "--json"])).stdout))
        expect(shown.notes).toEqual([expect.objectContaining({ author: "dana", text: "Replied: Hi, Dana from support here. Which photo fails?" })])
      })
    )

    it.effect("outside the window the re-engagement template goes first, and the text once the person answers", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const graph = yield* FakeGraph
        const waId = "972507771002"
        const person = yield* driver.user({ waId })
        // They asked two days ago: their window closed long since.
        const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000)
        const userId = UserId.make("support-reply-outside")
        yield* Effect.flatMap(Users, (users) =>
          users.resolve({ waId: Option.some(waId), bsuid: Option.none(), profileName: Option.none() }, userId, twoDaysAgo)
        )
        yield* Effect.flatMap(InboundMessages, (inbound) =>
          inbound.recordUnanswered(
            [
              new InboundMessageRecord({
                id: WhatsAppMessageId.make("wamid.support-reply-outside"),
                sender: { waId: Option.some(waId), bsuid: Option.none() },
                kind: "Text",
                payload: { _tag: "Text", body: "help?" },
                receivedAt: twoDaysAgo
              })
            ],
            twoDaysAgo
          )
        )
        const { item } = yield* Effect.flatMap(AttentionItems, (items) =>
          items.open(
            new NewAttentionItem({
              id: crypto.randomUUID(),
              reason: "HelpRequested",
              urgent: false,
              userId: Option.some(userId),
              orderId: Option.none(),
              stage: Option.some("New"),
              detail: "The person asked to talk to someone from the menu",
              dedupeKey: Option.none(),
              context: [],
              openedAt: twoDaysAgo
            })
          )
        )
        yield* graph.closeWindow(person.who)

        const reply = yield* cliAgainstBot(["support", "reply", String(item.number), "Sorry for the wait! Still need help?", "--json"], cliSettings)
        expect(reply.exitCode, reply.stderr).toBe(0)
        expect(JSON.parse(reply.stdout)).toMatchObject({ number: item.number, delivery: "template" })
        const templated = yield* person.waitUntil("the re-engagement template", (all) => all.some((m) => m.kind === "Template"))
        expect(templated.filter((m) => m.kind === "Template").map((m) => m.text).join()).toContain(template)
        yield* driver.quiescent()
        expect((yield* person.seen).some((m) => m.text === "Sorry for the wait! Still need help?")).toBe(false)

        const mark = (yield* person.seen).length
        yield* person.says("yes please")
        yield* next(person, mark, "support's held answer", (m) => m.text === "Sorry for the wait! Still need help?")
        const shown = Schema.decodeUnknownSync(Shown)(JSON.parse((yield* cliAgainstBot(["attention", "show", String(item.number), "--json"])).stdout))
        expect(shown.notes.map((note) => note.text)).toEqual([expect.stringContaining("outside the 24-hour window")])
      })
    )

    it.effect("erasing the person erases their requests; an item about nobody, or an empty reply, is refused", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const waId = "972507771003"
        const person = yield* driver.user({ waId })
        yield* person.says("hi")
        const seen = yield* next(person, 0, "the welcome", (m) => m.rows.some((r) => r.title === "Support"))
        yield* person.picks("Support")
        yield* next(person, seen.length, "the promise of a person", (m) => /Someone from our team/.test(m.text))
        const userId = yield* userIdOf(waId)
        const number = yield* helpRequestOf(userId)

        const empty = yield* cliAgainstBot(["support", "reply", String(number), "  "], cliSettings)
        expect(empty).toMatchObject({ exitCode: 1, stderr: "The reply was not sent: it is empty" })
        const bad = yield* cliAgainstBot(["support", "reply", "forty-two", "hello"], cliSettings)
        expect(bad.exitCode).toBe(1)

        const erased = yield* cliAgainstBot(["users", "erase", userId, "--yes"])
        expect(erased.exitCode, erased.stderr).toBe(0)
        const gone = yield* cliAgainstBot(["attention", "show", String(number)])
        expect(gone).toMatchObject({ exitCode: 1, stderr: `No attention item #${number}` })
        const unanswerable = yield* cliAgainstBot(["support", "reply", String(number), "hello"], cliSettings)
        expect(unanswerable).toMatchObject({ exitCode: 1, stderr: `No attention item #${number}` })

        const { item } = yield* Effect.flatMap(AttentionItems, (items) =>
          items.open(
            new NewAttentionItem({
              id: crypto.randomUUID(),
              reason: "AstriaOutOfCredits",
              urgent: true,
              userId: Option.none(),
              orderId: Option.none(),
              stage: Option.none(),
              detail: "Astria answered 402",
              dedupeKey: Option.some("support-reply-test-outage"),
              context: [],
              openedAt: new Date()
            })
          )
        )
        const nobody = yield* cliAgainstBot(["support", "reply", String(item.number), "hello"], cliSettings)
        expect(nobody).toMatchObject({ exitCode: 1, stderr: `Attention item #${item.number} cannot be answered: it concerns no one person` })
      })
    )
  })
})
