import { execFileSync } from "node:child_process"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, Redacted, Schedule } from "effect"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { HarnessBot } from "../../testing/HarnessBot.js"
import { english } from "../reliability/helpers.js"
import { privateCluster } from "../support/PrivateCluster.js"
import { inCi } from "../support/TestDatabase.js"
import { botOnSharedGraph } from "./inProcessBot.js"
import { firstHello, peopleOnFakeGraph, postRawSigned, type SentHello } from "./support.js"

const hasInitdb = (() => {
  try {
    execFileSync("initdb", ["--version"])
    return true
  } catch {
    return false
  }
})()

const welcomes = (seen: ReadonlyArray<{ readonly kind: string; readonly rows: ReadonlyArray<{ readonly title: string }> }>) =>
  seen.filter((m) => m.kind === "List" && m.rows.some((r) => r.title === english.begin)).length

/**
 * The bot on its own Postgres cluster (initdb on a free port), which the test crashes in the
 * middle of a stream of first messages from new people and starts again.
 */
describe.skipIf(!hasInitdb && !inCi)("Postgres stopped under load (a private cluster)", () => {
  it.live("answers 503 while the database is down; every message that got a 200 is processed exactly once after it is back", () =>
    Effect.gen(function* () {
      const cluster = yield* privateCluster
      const people = yield* Layer.build(peopleOnFakeGraph)
      const graph = Context.get(people, FakeGraph)
      const driver = Context.get(people, BotDriver)
      const storage = PgStorage.pipe(
        Layer.provideMerge(PgClient.layer({ url: Redacted.make(cluster.url), maxConnections: 6, connectTimeout: "1 second" }))
      )
      const bot = yield* Layer.build(botOnSharedGraph({ graph, storage }))
      const client = Context.get(bot, PgClient.PgClient)
      const baseUrl = Context.get(bot, HarnessBot).baseUrl

      const post = (raw: string) => postRawSigned(graph, baseUrl, raw)
      const sent: Array<SentHello> = []
      const firstMessage = firstHello({ driver, graph, baseUrl, sent, waIdPrefix: "9725048", namePrefix: "P" })

      let stopped = false
      let i = 0
      const traffic = yield* Effect.fork(
        Effect.whileLoop({
          while: () => !stopped && i < 400,
          body: () => Effect.zipRight(firstMessage(i++), Effect.sleep("20 millis")),
          step: () => undefined
        })
      )
      yield* Effect.sleep("1 second")
      yield* cluster.crash
      yield* Effect.sleep("1500 millis")
      yield* cluster.start
      yield* Effect.sleep("1500 millis")
      stopped = true
      yield* Fiber.join(traffic)

      const first = sent.map((s) => s.statuses[0] ?? 0)
      expect(first.filter((s) => s === 200).length).toBeGreaterThan(10)
      expect(first.filter((s) => s === 503).length).toBeGreaterThan(0)
      expect(first.filter((s) => s !== 200 && s !== 503)).toEqual([])
      const accepted = sent.filter((s) => s.statuses[0] === 200)

      // Every acknowledged message is answered once.
      for (const s of accepted) yield* s.user.waitUntil("the welcome to an acknowledged message", (seen) => welcomes(seen) >= 1, 30_000)

      // Meta retries the refused ones with the same bytes until they get a 200; each is answered once too.
      for (const s of sent.filter((x) => x.statuses[0] !== 200)) {
        const status = yield* post(s.raw).pipe(
          Effect.filterOrFail((code) => code === 200, (code) => code),
          Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("20 seconds")))
        )
        s.statuses.push(status)
        yield* s.user.waitUntil("the welcome to a retried message", (seen) => welcomes(seen) >= 1, 30_000)
      }
      yield* Effect.sleep("1 second")
      for (const s of sent) expect(welcomes(yield* s.user.seen), s.user.who.waId).toBe(1)
      const [inbound] = yield* client<{ readonly n: number }>`SELECT count(*)::int AS n FROM inbound_messages`
      expect(inbound?.n).toBe(sent.length)
    }).pipe(Effect.scoped), 120_000)
})
