import { describe, expect, layer } from "@effect/vitest"
import { Duration, Effect, Layer, Schedule } from "effect"
import { defaultMaintenanceSettings, MaintenanceSettings } from "../../application/maintenance/MaintenanceSettings.js"
import { runMaintenance } from "../../application/maintenance/runMaintenance.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { signBody } from "../../adapters/whatsapp-cloud/verifySignature.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { HarnessBot, harnessBot } from "../../testing/HarnessBot.js"
import { textMessageWebhook } from "../support/textMessageWebhook.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"

const reachable = await isReachable()
const dayMillis = 24 * 60 * 60 * 1000

/** HISTORY_RETENTION_DAYS=1, the least the setting allows: far less than Meta's 7 days of redeliveries. */
const oneDayOfHistory = Layer.succeed(MaintenanceSettings, { ...defaultMaintenanceSettings, historyRetention: Duration.days(1) })

/** Meta's webhook for one text from `waId`, stamped `ageMillis` ago, signed as Meta signs it. */
const deliver = (waId: string, messageId: string, text: string, ageMillis: number) =>
  Effect.gen(function* () {
    const { baseUrl } = yield* HarnessBot
    const graph = yield* FakeGraph
    const webhook = textMessageWebhook(messageId, text, waId)
    const message = webhook.entry[0]?.changes[0]?.value.messages[0]
    if (message !== undefined) message.timestamp = String(Math.floor((Date.now() - ageMillis) / 1000))
    const body = JSON.stringify(webhook)
    const status = yield* Effect.promise(() =>
      fetch(`${baseUrl}/SmsReceived`, { method: "POST", headers: { "x-hub-signature-256": signBody(graph.appSecret, body) }, body }).then(
        (response) => response.status
      )
    )
    expect(status).toBe(200)
  })

/** The messages the bot marked read (it does so for every message it acts on), by id. */
const readsOf = (messageId: string) =>
  Effect.flatMap(FakeGraph, (graph) => graph.readReceipts).pipe(
    Effect.map((receipts) => receipts.filter((receipt) => receipt.messageId === messageId).length)
  )

/**
 * One person's messages are handled in order: once a new message of theirs is marked read, every
 * earlier one has been handled (or was never going to be).
 */
const settled = (waId: string) =>
  Effect.gen(function* () {
    const probe = `wamid.${globalThis.crypto.randomUUID()}`
    yield* deliver(waId, probe, "and now?", 0)
    yield* readsOf(probe).pipe(
      Effect.filterOrFail((reads) => reads > 0),
      Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("15 seconds")))
    )
  })

const dedupeOn = (name: string, storage: Layer.Layer<StoragePorts, unknown>) =>
  layer(harnessBot({ storage }), { timeout: 60_000, excludeTestServices: true })(name, (it) => {
    it.effect("a message redelivered after history retention deleted it is not answered again", () =>
      Effect.gen(function* () {
        const waId = "16505550201"
        yield* Effect.flatMap(FakeGraph, (graph) => graph.addUser({ waId }))
        const messageId = `wamid.${globalThis.crypto.randomUUID()}`
        yield* deliver(waId, messageId, "hi", 2 * dayMillis)
        yield* settled(waId)
        expect(yield* readsOf(messageId)).toBe(1)

        const report = yield* runMaintenance.pipe(Effect.provide(oneDayOfHistory))
        expect(report.inboundMessagesDeleted).toBeGreaterThan(0)

        // Meta redelivers within its 7 days of retries.
        yield* deliver(waId, messageId, "hi", 2 * dayMillis)
        yield* settled(waId)
        expect(yield* readsOf(messageId)).toBe(1)
      }))

    it.effect("a message stamped 20 days ago is taken (200) but not acted on, now or when replayed after maintenance", () =>
      Effect.gen(function* () {
        const waId = "16505550202"
        yield* Effect.flatMap(FakeGraph, (graph) => graph.addUser({ waId }))
        const messageId = `wamid.${globalThis.crypto.randomUUID()}`
        yield* deliver(waId, messageId, "hi from the past", 20 * dayMillis)
        yield* settled(waId)
        expect(yield* readsOf(messageId)).toBe(0)

        yield* runMaintenance.pipe(Effect.provide(oneDayOfHistory))
        yield* deliver(waId, messageId, "hi from the past", 20 * dayMillis)
        yield* settled(waId)
        expect(yield* readsOf(messageId)).toBe(0)
      }))
  })

describe("deduplication outlives history retention", () => {
  dedupeOn("in memory", InMemoryStorage)
  if (reachable || inCi) dedupeOn("on Postgres", PgStorage.pipe(Layer.provideMerge(freshSchema("dedupe"))))
})
