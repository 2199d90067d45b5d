import { describe, expect, layer } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { signBody } from "../../adapters/whatsapp-cloud/verifySignature.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { HarnessBot, harnessBot } from "../../testing/HarnessBot.js"
import { textMessageWebhook } from "../support/textMessageWebhook.js"

/** Meta's webhook for one text, as sent for the number `phoneNumberId` of the same business account. */
const deliver = (phoneNumberId: string, waId: string, messageId: string) =>
  Effect.gen(function* () {
    const { baseUrl } = yield* HarnessBot
    const graph = yield* FakeGraph
    const webhook = textMessageWebhook(messageId, "hi", waId)
    const value = webhook.entry[0]?.changes[0]?.value
    if (value !== undefined) value.metadata.phone_number_id = phoneNumberId
    const body = JSON.stringify(webhook)
    return yield* Effect.promise(() =>
      fetch(`${baseUrl}/SmsReceived`, { method: "POST", headers: { "x-hub-signature-256": signBody(graph.appSecret, body) }, body }).then(
        (response) => response.status
      )
    )
  })

const readsOf = (messageId: string) =>
  Effect.flatMap(FakeGraph, (graph) => graph.readReceipts).pipe(
    Effect.map((receipts) => receipts.filter((receipt) => receipt.messageId === messageId).length)
  )

describe("a webhook for another number of the same business account", () => {
  layer(harnessBot({ storage: InMemoryStorage }), { timeout: 60_000, excludeTestServices: true })("in memory", (it) => {
    it.effect("is acknowledged with 200 and never answered from this number", () =>
      Effect.gen(function* () {
        const graph = yield* FakeGraph
        expect(yield* deliver("999000111222333", "16505550777", "wamid.other-number")).toBe(200)
        // The same person then writes to our number: one person's messages are handled in order, so
        // once this one is read, the first was handled before it, or dropped.
        expect(yield* deliver(graph.phoneNumberId, "16505550777", "wamid.our-number")).toBe(200)
        yield* readsOf("wamid.our-number").pipe(
          Effect.filterOrFail((reads) => reads > 0),
          Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("15 seconds")))
        )
        expect(yield* readsOf("wamid.other-number")).toBe(0)
      })
    )
  })
})
