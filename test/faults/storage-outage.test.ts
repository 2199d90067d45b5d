import { execFileSync } from "node:child_process"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Context, Duration, Effect, Fiber, Layer, Redacted, Schedule } from "effect"
import { PgEventBroker } from "../../adapters/postgres/PgEventBroker.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { EventBroker } from "../../application/ports/EventBroker.js"
import { botSubscriptions } from "../../application/workers/Consumers.js"
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
 * The retry budget, shortened: 3 deliveries 20 ms apart give up on a message within a tenth of a
 * second, so an outage of seconds is far longer than it (as 8 minutes is longer than today's 20
 * deliveries backing off to 30 s).
 */
const budget = { maxDeliveries: 3, redeliveryDelay: () => Duration.millis(20) }
const outage = Duration.seconds(4)

/**
 * The bot on its own Postgres cluster with the Postgres broker, under a stream of first messages
 * from new people; the cluster is crashed while messages just acknowledged are being handled, and
 * kept down far longer than the broker's retry budget.
 */
describe.skipIf(!hasInitdb && !inCi)("A storage outage longer than the retry budget (a private cluster)", () => {
  it.live("every acknowledged message is answered exactly once after the database is back; nothing is dead-lettered", () =>
    Effect.gen(function* () {
      const cluster = yield* privateCluster
      const people = yield* Layer.build(peopleOnFakeGraph)
      const graph = Context.get(people, FakeGraph)
      const driver = Context.get(people, BotDriver)
      const storage = Layer.succeedContext(
        yield* Layer.build(
          PgStorage.pipe(
            Layer.provideMerge(PgClient.layer({ url: Redacted.make(cluster.url), maxConnections: 6, connectTimeout: "1 second" }))
          )
        )
      )
      const broker = Context.get(
        yield* Layer.build(
          PgEventBroker.layer({ subscriptions: botSubscriptions, ...budget, lease: "2 seconds", pollInterval: "100 millis" }).pipe(
            Layer.provide(storage)
          )
        ),
        EventBroker
      )
      const bot = yield* Layer.build(botOnSharedGraph({ graph, storage, broker: Layer.succeed(EventBroker, broker) }))
      const client = Context.get(bot, PgClient.PgClient)
      const baseUrl = Context.get(bot, HarnessBot).baseUrl

      const post = (raw: string) => postRawSigned(graph, baseUrl, raw)
      const sent: Array<SentHello> = []
      const firstMessage = firstHello({ driver, graph, baseUrl, sent, waIdPrefix: "9725049", namePrefix: "Q" })

      let stopped = false
      let i = 0
      const traffic = yield* Effect.fork(
        Effect.whileLoop({
          while: () => !stopped && i < 400,
          body: () => Effect.zipRight(firstMessage(i++), Effect.sleep("10 millis")),
          step: () => undefined
        })
      )
      // Crash once a good number are acknowledged, so some are being handled as it goes down.
      const acknowledged = () => sent.filter((s) => s.statuses[0] === 200).length
      yield* Effect.sync(acknowledged).pipe(
        Effect.repeat({ until: (n) => n >= 20, schedule: Schedule.spaced("20 millis") })
      )
      yield* cluster.crash
      yield* Effect.sleep(outage)
      yield* cluster.start
      yield* Effect.sleep("1 second")
      stopped = true
      yield* Fiber.join(traffic)

      const first = sent.map((s) => s.statuses[0] ?? 0)
      expect(first.filter((s) => s === 200).length).toBeGreaterThan(20)
      expect(first.filter((s) => s === 503).length).toBeGreaterThan(0)
      expect(first.filter((s) => s !== 200 && s !== 503)).toEqual([])

      // Every acknowledged message is answered, those in flight when the database went away included.
      for (const s of sent.filter((x) => x.statuses[0] === 200)) {
        yield* s.user.waitUntil("the welcome to an acknowledged message", (seen) => welcomes(seen) >= 1, 30_000)
      }
      // Meta retries the refused ones with the same bytes until they get a 200; each is answered too.
      for (const s of sent.filter((x) => x.statuses[0] !== 200)) {
        s.statuses.push(
          yield* post(s.raw).pipe(
            Effect.filterOrFail((code) => code === 200, (code) => code),
            Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("20 seconds")))
          )
        )
        yield* s.user.waitUntil("the welcome to a retried message", (seen) => welcomes(seen) >= 1, 30_000)
      }

      // Quiescence: nothing left queued for any consumer, so no later redelivery can answer twice.
      yield* client<{ readonly n: number }>`SELECT count(*)::int AS n FROM event_deliveries WHERE state = 'queued'`.pipe(
        Effect.filterOrFail(([row]) => row?.n === 0),
        Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo("30 seconds"))),
        Effect.orDie
      )
      for (const s of sent) expect(welcomes(yield* s.user.seen), s.user.who.waId).toBe(1)
      for (const { name } of botSubscriptions) expect(yield* broker.deadLetters(name), name).toEqual([])
    }).pipe(Effect.scoped), 180_000)
})
