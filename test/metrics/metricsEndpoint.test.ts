import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { HarnessBot, harnessBot } from "../../testing/HarnessBot.js"
import { delivery, englishWords, journey } from "../journey/steps.js"

const adminToken = "operator-token-for-metrics"

/** GET /metrics over the bot's real socket, with `token` as the bearer if given. */
const scrape = (token?: string) =>
  Effect.flatMap(HarnessBot, ({ baseUrl }) =>
    Effect.promise(async () => {
      const response = await fetch(`${baseUrl}/metrics`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })
      return { status: response.status, contentType: response.headers.get("content-type"), body: await response.text() }
    })
  )

/** The samples of a Prometheus text body, by their name and labels as written (`name{a="b"}`). */
const samples = (body: string): ReadonlyMap<string, number> =>
  new Map(
    body
      .split("\n")
      .filter((line) => line.length > 0 && !line.startsWith("#"))
      .map((line) => {
        const space = line.lastIndexOf(" ")
        return [line.slice(0, space), Number(line.slice(space + 1))] as const
      })
  )

const metricsNow = Effect.gen(function* () {
  const answer = yield* scrape(adminToken)
  expect(answer.status).toBe(200)
  expect(answer.contentType).toContain("text/plain")
  return samples(answer.body)
})

/** A counter not yet counted is absent: zero. */
const valueOf = (metrics: ReadonlyMap<string, number>, sample: string) => metrics.get(sample) ?? 0

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3", ADMIN_TOKEN: adminToken } }))
)

describe("GET /metrics", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("after a journey through the harness", (it) => {
    it.effect("answers 401 without the admin token, or with another", () =>
      Effect.gen(function* () {
        expect((yield* scrape()).status).toBe(401)
        expect((yield* scrape(`${adminToken}x`)).status).toBe(401)
      }))

    it.effect(
      "counts what happened and reads the stored state, in Prometheus' text format",
      () =>
        Effect.gen(function* () {
          const { baseUrl } = yield* HarnessBot
          const before = yield* metricsNow
          const driver = yield* BotDriver
          const dana = yield* driver.user({ waId: "972501111122", name: "Dana" })
          yield* dana.says("hello")
          const mark = yield* journey(dana, englishWords)
          yield* delivery(driver, dana, mark, englishWords)
          // A webhook Meta did not sign.
          const unsigned = yield* Effect.promise(() =>
            fetch(`${baseUrl}/SmsReceived`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).then((r) => r.status)
          )
          expect(unsigned).toBe(401)
          const after = yield* metricsNow

          const moved = (sample: string) => valueOf(after, sample) - valueOf(before, sample)
          expect(moved('bot_webhooks_received_total{webhook="whatsapp"}')).toBeGreaterThan(5)
          expect(moved('bot_webhooks_refused_total{webhook="whatsapp",reason="signature_missing"}')).toBe(1)
          expect(moved('bot_webhooks_received_total{webhook="payment"}')).toBeGreaterThanOrEqual(1)
          expect(moved('bot_events_queued_total{subscription="conversation"}')).toBeGreaterThan(5)
          expect(moved('bot_events_leased_total{subscription="conversation"}')).toBeGreaterThan(5)
          expect(moved('bot_events_queued_total{subscription="images"}')).toBeGreaterThanOrEqual(3)
          expect(moved('bot_photo_verdicts_total{verdict="accepted"}')).toBeGreaterThanOrEqual(3)
          // Gauges of the stored state, read at the scrape: every label present, zero included.
          expect(valueOf(after, 'bot_orders{status="Delivered"}')).toBe(1)
          expect(after.get('bot_orders{status="NeedsAttention"}')).toBe(0)
          expect(after.get('bot_orders_oldest_in_status_seconds{status="AwaitingPayment"}')).toBe(0)
          expect(valueOf(after, 'bot_outbound_intents{state="sent"}') + valueOf(after, 'bot_outbound_intents{state="delivered"}') + valueOf(after, 'bot_outbound_intents{state="read"}')).toBeGreaterThan(10)
          expect(after.get("bot_replies_held_for_window")).toBe(0)
          expect(after.has("bot_outbound_oldest_pending_seconds")).toBe(true)
          expect(after.get('bot_events_dead{subscription="conversation"}')).toBe(0)
        }),
      90_000
    )
  })
})
