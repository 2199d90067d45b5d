import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Logger, Option } from "effect"
import { Users } from "../../application/ports/Users.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { UserId } from "../../domain/ids.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { after, delivery, journey, next, englishWords } from "../journey/steps.js"

/** Every log line the bot writes, as its production formatter would write it. */
const captured: Array<string> = []
const captureLogs = Logger.replace(
  Logger.defaultLogger,
  Logger.map(Logger.logfmtLogger, (line) => {
    captured.push(line)
  })
)

const phone = "972507777777"
const name = "Shira Secretname"

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3", LOG_LEVEL: "All" } })),
  Layer.provide(captureLogs)
)

describe("nothing personal in the logs", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("a whole conversation", (it) => {
    it.effect("logs no phone number, user id, name, message body or secret in clear", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const graph = yield* FakeGraph
        const astria = yield* FakeAstria
        const shira = yield* driver.user({ waId: phone, name })
        yield* shira.says("hello, my private words")
        const mark = yield* journey(shira, englishWords)
        yield* delivery(driver, shira, mark, englishWords)
        const rated = (yield* shira.seen).length
        yield* shira.says("one more private remark")
        yield* next(shira, rated, "an answer", () => true)
        expect(after(yield* shira.seen, 0).length).toBeGreaterThan(20)

        const user = yield* Effect.flatMap(Users, (users) =>
          users.resolve({ waId: Option.some(phone), bsuid: Option.none(), profileName: Option.none() }, UserId.make("unused"), new Date())
        )
        const callbackTokens = (yield* astria.control.callbacks).flatMap((callback) => {
          const token = new URL(callback.url).searchParams.get("token")
          return token === null ? [] : [token]
        })
        expect(callbackTokens.length).toBeGreaterThan(0)
        const secrets = [graph.appSecret, graph.accessToken, astria.apiKey, "fake-payment-secret", "fake-verify-token", ...callbackTokens]
        const personal = [phone, user.user.id, "Secretname", "my private words", "private remark"]

        expect(captured.length).toBeGreaterThan(20)
        const leaks = captured.filter((line) => [...personal, ...secrets].some((needle) => line.includes(needle)))
        expect(leaks).toEqual([])
      }),
      60_000
    )
  })
})
