import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Schedule, Schema } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { next } from "../journey/steps.js"
import { cliAgainstBot } from "./cliAgainst.js"

const supportNumber = "972509999123"

const botWith = (settings: Readonly<Record<string, string>>) =>
  BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3", ...settings } })))

const Listed = Schema.Array(
  Schema.Struct({
    number: Schema.Int,
    reason: Schema.String,
    urgent: Schema.Boolean,
    userId: Schema.NullOr(Schema.String),
    phone: Schema.String,
    orderId: Schema.NullOr(Schema.String),
    stage: Schema.NullOr(Schema.String),
    openedAt: Schema.String
  })
)
const Shown = Schema.Struct({
  number: Schema.Int,
  reason: Schema.String,
  phone: Schema.String,
  context: Schema.Array(Schema.Struct({ at: Schema.String, from: Schema.String, text: Schema.String })),
  closedAt: Schema.NullOr(Schema.String),
  resolution: Schema.NullOr(Schema.String)
})
const masked = (waId: string) => `+${waId.slice(0, 5)}•••••${waId.slice(-2)}`

/** A person opens the menu and asks for a human: the help request as support finds it. */
const asksForHelp = (waId: string) =>
  Effect.gen(function* () {
    const driver = yield* BotDriver
    const person = yield* driver.user({ waId })
    yield* person.says("hi, my photos won't upload")
    const seen = yield* next(person, 0, "the welcome", (m) => m.rows.some((r) => r.title === "Support"))
    yield* person.picks("Support")
    yield* next(person, seen.length, "the promise of a person", (m) => /Someone from our team/.test(m.text))
    return person
  })

describe("help requests are records support can act on", () => {
  layer(botWith({}), { timeout: 60_000, excludeTestServices: true })("with SUPPORT_WHATSAPP unset", (it) => {
    it.effect("the CLI lists the request (masked number, user id, stage, when) and shows the last messages", () =>
      Effect.gen(function* () {
        const waId = "972507770001"
        yield* asksForHelp(waId)
        const list = yield* cliAgainstBot(["attention", "list", "--json"])
        expect(list.exitCode, list.stderr).toBe(0)
        expect(list.stdout).not.toContain(waId)
        const listed = Schema.decodeUnknownSync(Listed)(JSON.parse(list.stdout))
        const request = listed.find((item) => item.phone === masked(waId))
        expect(request).toMatchObject({ reason: "HelpRequested", stage: "New", urgent: false })
        expect(request?.userId).toEqual(expect.any(String))

        const table = yield* cliAgainstBot(["attention", "list"])
        expect(table.stdout).toMatch(/^#\s+REASON/)
        expect(table.stdout).toContain(`${request?.number}`)
        expect(table.stdout).toContain(masked(waId))
        expect(table.stdout).not.toContain(waId)

        const show = yield* cliAgainstBot(["attention", "show", String(request?.number), "--json"])
        expect(show.exitCode, show.stderr).toBe(0)
        expect(show.stdout).not.toContain(waId)
        const shown = Schema.decodeUnknownSync(Shown)(JSON.parse(show.stdout))
        expect(shown.context.map((line) => [line.from, line.text])).toEqual(
          expect.arrayContaining([
            ["person", "hi, my photos won't upload"],
            ["bot", expect.stringContaining("professional AI headshots")],
            ["person", "Support"]
          ])
        )
        const human = yield* cliAgainstBot(["attention", "show", String(request?.number)])
        expect(human.stdout).toContain("hi, my photos won't upload")
        expect(human.stdout).toMatch(/Stage\s+New/)

        const closed = yield* cliAgainstBot(["attention", "close", String(request?.number), "--resolution", "called back"])
        expect(closed.exitCode, closed.stderr).toBe(0)
        const after = yield* cliAgainstBot(["attention", "list", "--json"])
        expect(Schema.decodeUnknownSync(Listed)(JSON.parse(after.stdout)).map((item) => item.number)).not.toContain(request?.number)
        const again = yield* cliAgainstBot(["attention", "close", String(request?.number)])
        expect(again.exitCode).toBe(1)
        expect(again.stderr).toContain("already closed")
        const missing = yield* cliAgainstBot(["attention", "show", "999999"])
        expect(missing).toMatchObject({ exitCode: 1, stderr: "No attention item #999999" })
      })
    )
  })

  layer(botWith({ SUPPORT_WHATSAPP: supportNumber }), { timeout: 60_000, excludeTestServices: true })("with SUPPORT_WHATSAPP set", (it) => {
    it.effect("support is told the request's reference, never the person's number", () =>
      Effect.gen(function* () {
        const graph = yield* FakeGraph
        yield* graph.addUser({ waId: supportNumber, name: "Support" })
        yield* graph.openWindow(supportNumber)
        const waId = "972507770002"
        yield* asksForHelp(waId)
        const told = yield* graph.received(supportNumber).pipe(
          Effect.map((received) => JSON.stringify(received.map((m) => m.body))),
          Effect.filterOrFail((text) => text.includes("HelpRequested"), () => "not yet"),
          Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.upTo("5 seconds")))
        )
        expect(told).toMatch(/Support needed #\d+ \(HelpRequested\), stage New/)
        expect(told).not.toContain(waId)
        const number = /#(\d+)/.exec(told)?.[1]
        const list = yield* cliAgainstBot(["attention", "list", "--json"])
        const listed = Schema.decodeUnknownSync(Listed)(JSON.parse(list.stdout))
        expect(listed.find((item) => String(item.number) === number)?.phone).toBe(masked(waId))
      })
    )
  })
})
