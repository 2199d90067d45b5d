import { randomUUID } from "node:crypto"
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Context, Duration, Effect, Fiber, Layer, Metric, Option, TestClock, TestServices } from "effect"
import { InMemoryRateBudgets } from "../../adapters/memory/InMemoryRateBudgets.js"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import type { WhatsAppCloudSettings } from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { astriaErrors, graphApiErrors, pacingWaits, pacingWaitSeconds } from "../../application/metrics/BotMetrics.js"
import { Astria, TuneSource } from "../../application/ports/Astria.js"
import { Messenger } from "../../application/ports/Messenger.js"
import { OrderId } from "../../domain/ids.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { httpAstriaOverFake } from "../../testing/fakes/astria/wiring.js"
import { makeFakeGraphApi } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { settingsForFake } from "../../testing/fakes/graph-api/layers.js"
import { samplePhoto } from "../../testing/port-suites/AstriaSuite.js"
import { freshPerson } from "../../testing/port-suites/MessengerSuite.js"

const counted = (metric: typeof graphApiErrors, code?: string) =>
  Effect.map(Metric.value(code === undefined ? metric : Metric.tagged(metric, "code", code)), (state) => state.count)

const messengerOverFake = (overrides: Partial<WhatsAppCloudSettings> = {}) =>
  Effect.gen(function* () {
    const fake = yield* makeFakeGraphApi({ customerServiceWindow: "off", appSecret: "metrics-test-secret" })
    const context = yield* Layer.build(WhatsAppCloud.layer(settingsForFake(fake, overrides)).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(InMemoryRateBudgets))
    )
    return { fake, messenger: Context.get(context, Messenger) }
  })

describe("error and pacing counters, against the fakes", () => {
  it.scopedLive("a Graph API error is counted by Meta's code: the token refused (190)", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* messengerOverFake()
      const before = yield* counted(graphApiErrors, "190")
      yield* fake.fail({ code: 190, times: 1 })
      expect((yield* Effect.flip(messenger.send(freshPerson(), OutgoingMessage.Text({ body: "hi" }))))._tag).toBe("AuthenticationFailed")
      expect((yield* counted(graphApiErrors, "190")) - before).toBe(1)
    }))

  it.scoped("a send that waits for its recipient's turn is counted, with the time it waited", () =>
    Effect.gen(function* () {
      // One message per person per second; the clock moves only when the test moves it.
      const { messenger } = yield* messengerOverFake({ recipientBurst: 1, recipientInterval: Duration.seconds(1) })
      const [waitsBefore, secondsBefore] = [yield* counted(pacingWaits), yield* counted(pacingWaitSeconds)]
      const person = freshPerson()
      // The first send done before the second starts: while a request is on the wire, its timeout
      // is a sleep on the test clock too, which the wait below would take for the turn's.
      yield* messenger.send(person, OutgoingMessage.Text({ body: "message 1" }))
      const sending = yield* Effect.fork(messenger.send(person, OutgoingMessage.Text({ body: "message 2" })))
      // Waits (by the live clock) until the second send sleeps for its turn.
      for (let tries = 0; tries < 1000 && Chunk.isEmpty(yield* TestClock.sleeps()) && Option.isNone(yield* Fiber.poll(sending)); tries++) {
        yield* TestServices.provideLive(Effect.sleep("10 millis"))
      }
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(sending)
      expect((yield* counted(pacingWaits)) - waitsBefore).toBe(1)
      expect((yield* counted(pacingWaitSeconds)) - secondsBefore).toBe(1)
    }))

  it.live("an Astria error is counted by its status: out of credits (402)", () =>
    Effect.gen(function* () {
      const fake = yield* FakeAstria
      const astria = yield* Astria
      const photos = yield* Effect.all([samplePhoto("m1"), samplePhoto("m2"), samplePhoto("m3")])
      const before = yield* counted(astriaErrors, "402")
      yield* fake.control.inject({ status: 402, method: "POST", path: "/p/", times: 10 })
      const error = yield* Effect.flip(
        astria.createPackTune({
          orderId: OrderId.make(randomUUID()),
          packId: (yield* astria.listPacks)[0]!.id,
          className: "man",
          characteristics: {},
          source: TuneSource.photos(photos),
          callbacks: { tune: "http://127.0.0.1:9/none", prompts: "http://127.0.0.1:9/none" }
        })
      )
      expect(error._tag).toBe("AstriaOutOfCredits")
      expect((yield* counted(astriaErrors, "402")) - before).toBe(1)
    }).pipe(Effect.scoped, Effect.provide(httpAstriaOverFake({ config: { maxRetries: 2 } }).pipe(Layer.provide(FetchHttpClient.layer)))))
})
