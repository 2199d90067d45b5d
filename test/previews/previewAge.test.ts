import { randomUUID } from "node:crypto"
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer, Option, TestClock } from "effect"
import { rebuildPreviews } from "../../application/catalogue/rebuildPreviews.js"
import { syncPacks } from "../../application/catalogue/syncPacks.js"
import { sendOutboundBatch } from "../../application/messaging/OutboundSender.js"
import { OutboundMessages } from "../../application/ports/OutboundMessages.js"
import { Packs } from "../../application/ports/Packs.js"
import { HttpImageFetcherLive } from "../../adapters/http-fetch/HttpImageFetcher.js"
import { InMemoryMediaPreparer } from "../../adapters/memory/InMemoryMediaPreparer.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { SharpPreviewRendererLive } from "../../adapters/sharp/SharpPreviewRenderer.js"
import { UserId } from "../../domain/ids.js"
import { MediaRef, OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { ApplicationServicesLive } from "../../runtimes/composition/ApplicationServices.js"
import { PreviewRenewalLive } from "../../runtimes/composition/PackPreviews.js"
import { FakeGraph, WhatsAppCloudOverFake } from "../../testing/fakes/graph-api/layers.js"
import { astriaOverFake } from "../../testing/FakeParts.js"
import { fakeCatalogueSettings } from "../../testing/fakes/astria/wiring.js"

/** The real adapter over the fake Graph API, the fake Astria's catalogue, storage in memory. */
const world = Layer.mergeAll(
  ApplicationServicesLive,
  PreviewRenewalLive,
  SharpPreviewRendererLive,
  HttpImageFetcherLive.pipe(Layer.provide(FetchHttpClient.layer)),
  astriaOverFake(),
  fakeCatalogueSettings
).pipe(
  Layer.provideMerge(Layer.mergeAll(InMemoryStorage, WhatsAppCloudOverFake(), InMemoryMediaPreparer.layer({ links: {} })))
)

/** The preview of one pack for men, as the conversation sends it. */
const previewIntent = (mediaId: string) =>
  Effect.gen(function* () {
    const id = randomUUID()
    const userId = UserId.make(randomUUID())
    const waId = `9725${Math.floor(Math.random() * 1e8)}`
    const graph = yield* FakeGraph
    yield* graph.openWindow(waId)
    const message = OutgoingMessage.Image({ media: MediaRef.Uploaded({ mediaId }), caption: "Corporate Headshots" })
    yield* Effect.flatMap(OutboundMessages, (outbound) =>
      outbound.enqueue([{ id, userId, recipient: { waId: Option.some(waId), bsuid: Option.none() }, message, createdAt: new Date(0) }])
    )
    return { id, userId, waId }
  })

/** The first pack with a preview for men. */
const manPreview = Effect.map(
  Effect.flatMap(Packs, (packs) => packs.list),
  (packs) => packs.find((pack) => pack.previews["man"] !== undefined)!
)

describe("pack previews and WhatsApp's 30 days", () => {
  it.effect("a preview uploaded 30 days ago is uploaded again before it is sent: WhatsApp is never asked for the expired id", () =>
    Effect.gen(function* () {
      yield* syncPacks
      yield* rebuildPreviews({ force: false })
      const old = (yield* manPreview).previews["man"]!
      const graph = yield* FakeGraph

      yield* TestClock.adjust(Duration.sum(Duration.days(30), Duration.minutes(1)))
      const intent = yield* previewIntent(old)
      expect(yield* sendOutboundBatch(10, "1 minute")).toBe(1)

      const renewed = (yield* manPreview).previews["man"]!
      expect(renewed).not.toBe(old)
      const received = yield* graph.received(intent.waId)
      expect(received.map((message) => (message.body.type === "image" ? message.body.image.id : undefined))).toEqual([renewed])
      // No send was refused: the stale id never went out.
      expect((yield* graph.attempts).filter((attempt) => attempt.code !== undefined)).toEqual([])
      const stored = yield* Effect.flatMap(OutboundMessages, (outbound) => outbound.listForUser(intent.userId))
      expect(stored.map((row) => row.status)).toEqual(["sent"])
    }).pipe(Effect.provide(world))
  )

  it.effect("the background rebuild uploads again only the previews older than the refresh interval", () =>
    Effect.gen(function* () {
      yield* syncPacks
      const first = yield* rebuildPreviews({ force: false })
      expect(first.kept).toBe(0)
      const again = yield* rebuildPreviews({ force: false, renewOlderThan: Duration.days(7) })
      expect(again).toEqual({ uploaded: 0, kept: first.uploaded, failed: [] })

      yield* TestClock.adjust(Duration.days(7))
      const week = yield* rebuildPreviews({ force: false, renewOlderThan: Duration.days(7) })
      expect(week).toEqual({ uploaded: first.uploaded, kept: 0, failed: [] })
      const pack = yield* manPreview
      expect(pack.previewUploadedAt["man"]?.getTime()).toBe(Duration.toMillis(Duration.days(7)))
    }).pipe(Effect.provide(world))
  )

  it.effect("a preview WhatsApp refuses is uploaded again once and the message retried; a message with another refused id is given up", () =>
    Effect.gen(function* () {
      yield* syncPacks
      yield* rebuildPreviews({ force: false })
      const old = (yield* manPreview).previews["man"]!
      const graph = yield* FakeGraph
      yield* graph.forgetMedia

      const preview = yield* previewIntent(old)
      const stranger = yield* previewIntent("1234567890")
      expect(yield* sendOutboundBatch(10, "1 minute")).toBe(2)

      const renewed = (yield* manPreview).previews["man"]!
      expect(renewed).not.toBe(old)
      const sentIds = (yield* graph.received(preview.waId)).map((message) => (message.body.type === "image" ? message.body.image.id : undefined))
      expect(sentIds).toEqual([renewed])
      expect(yield* graph.received(stranger.waId)).toEqual([])
      const statusOf = (intent: { readonly userId: UserId }) =>
        Effect.map(
          Effect.flatMap(OutboundMessages, (outbound) => outbound.listForUser(intent.userId)),
          (rows) => rows.map((row) => row.status)
        )
      expect(yield* statusOf(preview)).toEqual(["sent"])
      expect(yield* statusOf(stranger)).toEqual(["failed"])
      // Meta's words for an id it does not hold, as the fake answers them.
      const refusal = yield* Effect.flatMap(OutboundMessages, (outbound) => outbound.listForUser(stranger.userId))
      expect(Option.getOrElse(refusal[0]!.lastError, () => "")).toMatch(
        /^\(#100\) Param image\['id'\] is not a valid whatsapp business account media attachment ID/
      )
    }).pipe(Effect.provide(world))
  )
})
