import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { HttpServer } from "@effect/platform"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Schedule } from "effect"
import { holdingNodeHttpServerLayer } from "../../adapters/http-node/HoldingNodeHttpServer.js"
import { planStart } from "../../runtimes/composition/StartPlan.js"
import { standaloneBot } from "../../runtimes/http-server/StandaloneBot.js"

/** `npm start`'s data directory, and nothing else configured: every part a development fake. */
const dataDir = mkdtempSync(join(tmpdir(), "npm-start-"))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
const settings = ConfigProvider.fromMap(new Map([["PGLITE_DATA_DIR", dataDir]]))

/** One start of the development bot (as `npm start` composes it) for the life of `use`. */
const started = <A>(use: (baseUrl: string) => Effect.Effect<A, unknown>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const plan = yield* planStart({ runtime: "standalone" })
      const bot = standaloneBot(plan).pipe(Layer.provideMerge(holdingNodeHttpServerLayer({ port: 0, host: "127.0.0.1" })))
      const context = yield* Layer.build(bot)
      const baseUrl = yield* HttpServer.addressFormattedWith((address) => Effect.succeed(address)).pipe(Effect.provide(context))
      return yield* use(baseUrl)
    })
  ).pipe(Effect.withConfigProvider(settings))

const call = (url: string, init?: RequestInit) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    return { status: response.status, body: await response.text() }
  })

const post = (url: string, body: unknown) =>
  call(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const phone = "972505555901"

/** The chat as the simulator page reads it, once the bot's welcome is in it. */
const chatWithWelcome = (baseUrl: string) =>
  call(`${baseUrl}/simulator/api/chat?phone=${phone}`).pipe(
    Effect.filterOrFail((chat) => chat.status === 200 && chat.body.includes("Let's begin"), () => "no welcome yet"),
    Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("60 seconds")))
  )

describe("npm start over its data directory", () => {
  it.live(
    "the simulator's people and chats, and the fakes' state, are there after a restart",
    () =>
      Effect.gen(function* () {
        const before = yield* started((baseUrl) =>
          Effect.gen(function* () {
            expect((yield* post(`${baseUrl}/simulator/api/people`, { phone, name: "Maya" })).status).toBe(201)
            expect((yield* post(`${baseUrl}/simulator/api/text`, { phone, text: "hello" })).status).toBe(204)
            return (yield* chatWithWelcome(baseUrl)).body
          })
        )
        // Beside the embedded database's own files.
        expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true)
        for (const file of ["graph-api/state.json", "astria/state.json", "simulator/chats.json"]) {
          expect(existsSync(join(dataDir, "fakes", file)), file).toBe(true)
        }

        const after = yield* started((baseUrl) =>
          Effect.gen(function* () {
            const people = yield* call(`${baseUrl}/simulator/api/people`)
            const chat = yield* call(`${baseUrl}/simulator/api/chat?phone=${phone}`)
            return { people: JSON.parse(people.body) as unknown, chat: chat.body }
          })
        )
        expect(after.people).toEqual([{ phone, name: "Maya" }])
        expect(JSON.parse(after.chat)).toEqual(JSON.parse(before))
      }),
    300_000
  )
})
