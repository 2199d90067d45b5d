import { HttpApi, HttpApiBuilder, HttpServer } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Ref, TestClock } from "effect"
import { HealthHandlers } from "../../adapters/http-api/HealthHandlers.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { OutboundMessages } from "../../application/ports/OutboundMessages.js"
import { Readiness } from "../../application/ports/Readiness.js"
import { EnabledServices } from "../../application/settings/EnabledServices.js"
import { superviseWorker } from "../../application/workers/superviseWorker.js"
import { WorkerHealth } from "../../application/workers/WorkerHealth.js"
import { HealthApi } from "../../contracts/http/HealthApi.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { english } from "../reliability/helpers.js"

/** In-memory storage whose outbound claims die `times` times first, as a bug in the sender's path would. */
const storageWhoseClaimsDie = (times: number, died: Ref.Ref<number>) =>
  Layer.effect(
    OutboundMessages,
    Effect.map(OutboundMessages, (outbound) =>
      OutboundMessages.of({
        ...outbound,
        claimPending: (limit, now, lease) =>
          Effect.flatMap(Ref.getAndUpdate(died, (n) => n + 1), (n) =>
            n < times ? Effect.dieMessage("a bug while claiming outbound messages") : outbound.claimPending(limit, now, lease)
          )
      })
    )
  ).pipe(Layer.provideMerge(InMemoryStorage))

/** Only the health group of our API, served by its real handlers, as a web handler. */
const healthEndpoints = (health: WorkerHealth["Type"]) =>
  HttpApiBuilder.toWebHandler(
    Layer.mergeAll(
      HttpApiBuilder.api(HttpApi.make("whatsapp-astria-bot").add(HealthApi)).pipe(
        Layer.provide(HealthHandlers),
        Layer.provide(Layer.succeed(WorkerHealth, health)),
        Layer.provide(Layer.succeed(Readiness, Readiness.alwaysReady)),
        Layer.provide(Layer.succeed(EnabledServices, ["message"]))
      ),
      HttpServer.layerContext
    )
  )

describe("supervised workers", () => {
  it.live("the outbound sender, stopped by a defect, is started again and sends what waited", () =>
    Effect.gen(function* () {
      const died = yield* Ref.make(0)
      const world = yield* Layer.build(BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage: storageWhoseClaimsDie(1, died) }))))
      const driver = yield* Effect.provide(BotDriver, world)
      const dana = yield* driver.user({ waId: "972504300001", name: "Dana" })
      yield* dana.says("hello")
      yield* dana.waitUntil("the welcome, once the sender is back", (seen) => seen.some((m) => m.rows.some((r) => r.title === english.begin)), 15_000)
      expect(yield* Ref.get(died)).toBeGreaterThan(1)
    }).pipe(Effect.scoped), 30_000)

  it.effect("a worker that dies is reported down with its reason, and running again once restarted", () =>
    Effect.gen(function* () {
      const health = yield* WorkerHealth
      const starts = yield* Ref.make(0)
      const loop = Effect.flatMap(Ref.updateAndGet(starts, (n) => n + 1), (n) =>
        n === 1 ? Effect.dieMessage("a bug in the loop") : Effect.never
      )
      const fiber = yield* Effect.fork(superviseWorker("example", loop))
      yield* TestClock.adjust("10 millis")
      expect(yield* health.down).toMatchObject([{ worker: "example", reason: "a bug in the loop" }])
      expect(yield* Effect.flip(health.check)).toMatchObject({ reason: "worker example is not running: a bug in the loop" })

      yield* TestClock.adjust("1 second")
      expect(yield* Ref.get(starts)).toBe(2)
      expect(yield* health.down).toEqual([])
      yield* health.check
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(WorkerHealth.layer)))

  it.effect("/ready answers 503 naming the worker that is down, and 200 once it runs; /health stays 200", () =>
    Effect.gen(function* () {
      const health = yield* WorkerHealth
      const { handler, dispose } = healthEndpoints(health)
      const get = (path: string) =>
        Effect.promise(async () => {
          const response = await handler(new Request(`http://bot.test${path}`))
          return { status: response.status, body: await response.text() }
        })
      yield* health.running("outbound-sender")
      expect((yield* get("/ready")).status).toBe(200)

      yield* health.stopped("outbound-sender", "a bug in the loop")
      const ready = yield* get("/ready")
      expect(ready.status).toBe(503)
      expect(ready.body).toContain("worker outbound-sender is not running: a bug in the loop")
      expect((yield* get("/health")).status).toBe(200)

      yield* health.running("outbound-sender")
      expect((yield* get("/ready")).status).toBe(200)
      yield* Effect.promise(dispose)
    }).pipe(Effect.provide(WorkerHealth.layer)))
})
