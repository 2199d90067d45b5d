import { FetchHttpClient } from "@effect/platform"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Context, Effect, Fiber, Layer, ManagedRuntime, Schedule, TestClock, TestContext } from "effect"
import { MigrationsLive } from "../../adapters/postgres/Migrations.js"
import { PgRateBudgets } from "../../adapters/postgres/PgRateBudgets.js"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { Messenger } from "../../application/ports/Messenger.js"
import { RateBudgets } from "../../application/ports/RateBudgets.js"
import { StorageUnavailable } from "../../application/ports/StorageUnavailable.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { makeFakeGraphApi, type FakeGraphApi } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { settingsForFake } from "../../testing/fakes/graph-api/layers.js"
import { freshPerson } from "../../testing/port-suites/MessengerSuite.js"
import { freshSchema, inCi, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"

const reachable = await isReachable()

/** 40 a second: a burst of 4, then one send every 25 ms, for the number across every process. */
const throughputPerSecond = 40
const sendsPerProcess = 10
const total = sendsPerProcess * 2

/**
 * One bot process: its own runtime, its own TestClock (frozen until the test moves it), its own
 * pool on the shared schema, and the real adapter talking to the fake Graph API.
 */
const botProcess = (url: PgClient.PgClientConfig["url"], fake: FakeGraphApi) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      ManagedRuntime.make(
        WhatsAppCloud.layer(settingsForFake(fake, { throughputPerSecond })).pipe(
          Layer.provide(FetchHttpClient.layer),
          Layer.provide(PgRateBudgets.pipe(Layer.provide(PgClient.layer({ ...(url === undefined ? {} : { url }), maxConnections: 4 })))),
          Layer.provideMerge(TestContext.TestContext)
        )
      )
    ),
    (runtime) => Effect.promise(() => runtime.dispose())
  )

type BotProcess = Effect.Effect.Success<ReturnType<typeof botProcess>>

describe("a WhatsApp number's budget that cannot be reached", () => {
  it.scopedLive("fails the send as WhatsApp being unavailable (tried again later), and sends nothing", () =>
    Effect.gen(function* () {
      const fake = yield* makeFakeGraphApi({ customerServiceWindow: "off" })
      const unreachable = Layer.succeed(RateBudgets, {
        reserve: () => Effect.fail(new StorageUnavailable({ reason: "connection refused" }))
      })
      const context = yield* Layer.build(
        WhatsAppCloud.layer(settingsForFake(fake, { retryAttempts: 1 })).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(unreachable))
      )
      const error = yield* Effect.flip(Context.get(context, Messenger).send(freshPerson(), OutgoingMessage.Text({ body: "hello" })))
      expect(error._tag).toBe("MessengerUnavailable")
      expect(error.message).toContain("connection refused")
      expect(yield* fake.attempts).toHaveLength(0)
    }))
})

describe.skipIf(!reachable && !inCi)("two processes sending for one WhatsApp number", () => {
  it.live("share one budget: the sends of both, counted by a frozen clock, stay within one number's pace", () =>
    Effect.gen(function* () {
      expect(reachable, `the test database at ${new URL(testDatabaseUrl).host} cannot be reached`).toBe(true)
      const client = Context.get(yield* Layer.build(Layer.provideMerge(MigrationsLive, freshSchema("shared_pacing"))), PgClient.PgClient)
      const fake = yield* makeFakeGraphApi({ customerServiceWindow: "off", throughputPerSecond: 100_000, pairRate: "off" })
      const processes = [yield* botProcess(client.config.url, fake), yield* botProcess(client.config.url, fake)]
      const inEach = <A>(effect: Effect.Effect<A, never, Messenger>) =>
        Effect.forEach(processes, (bot: BotProcess) => Effect.promise(() => bot.runPromise(effect)))

      const sendAll = Effect.flatMap(Messenger, (messenger) =>
        Effect.forEach(
          Array.from({ length: sendsPerProcess }, (_, n) => n),
          (n) => messenger.send(freshPerson(), OutgoingMessage.Text({ body: `reply ${n}` })),
          { concurrency: "unbounded" }
        )
      )
      // Whatever still waits when the test ends (it failed) is interrupted before the runtimes go.
      yield* Effect.forEach(processes, (bot) =>
        Effect.acquireRelease(Effect.sync(() => bot.runFork(sendAll)), (fiber) => Effect.promise(() => bot.runPromise(Fiber.interrupt(fiber))))
      )

      /** Sends the fake accepted, and sends waiting for their slot (sleeps due within a second; request timeouts are later). */
      const progress = Effect.gen(function* () {
        const sent = (yield* fake.attempts).filter((attempt) => attempt.code === undefined).length
        const sleeps = yield* inEach(TestClock.sleeps())
        const waiting = sleeps.reduce((sum, deadlines) => sum + Chunk.size(Chunk.filter(deadlines, (at) => at < 1_000)), 0)
        return { sent, waiting }
      })
      /** Waits until every send has either gone or sleeps until its slot (or more went than allowed), then counts. */
      const sentBy = (time: number) =>
        Effect.gen(function* () {
          yield* inEach(TestClock.setTime(time))
          const settled = yield* progress.pipe(
            Effect.filterOrFail(({ sent, waiting }) => sent > expectedBy(time) || sent + waiting === total, () => "unsettled"),
            Effect.retry(Schedule.spaced("20 millis")),
            Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => new Error("the sends did not settle") })
          )
          return settled.sent
        })
      /** A burst of 4 at once, then one every 25 ms: slot k (from 0) starts at max(0, k - 3) * 25 ms. */
      const expectedBy = (time: number) => Math.min(total, 4 + Math.floor(time / 25))

      expect(yield* sentBy(0)).toBe(4)
      expect(yield* sentBy(25)).toBe(5)
      expect(yield* sentBy(200)).toBe(12)
      expect(yield* sentBy(399)).toBe(19)
      expect(yield* sentBy(400)).toBe(20)
    }).pipe(Effect.scoped), 90_000)
})
