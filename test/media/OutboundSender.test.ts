import { randomUUID } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, TestClock } from "effect"
import { UserId } from "../../domain/ids.js"
import { MediaRef, OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { sendOutboundBatch } from "../../application/messaging/OutboundSender.js"
import { RateLimited } from "../../application/ports/Messenger.js"
import { OutboundMessages } from "../../application/ports/OutboundMessages.js"
import { Outbox } from "../../application/ports/Outbox.js"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import { decodeEvent } from "../../application/events/decodeEvent.js"
import { InMemoryMediaLinks, InMemoryMediaPreparer } from "../../adapters/memory/InMemoryMediaPreparer.js"
import { InMemoryMessages, InMemoryWhatsAppLive } from "../../adapters/memory/InMemoryMessenger.js"
import { InMemoryMedia } from "../../adapters/memory/InMemoryMediaSource.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { ApplicationServicesLive } from "../../runtimes/composition/ApplicationServices.js"
import { PreviewRenewalLive } from "../../runtimes/composition/PackPreviews.js"
import { enqueueForNewPerson, intentOf } from "../support/outboundIntents.js"

const world = Layer.merge(ApplicationServicesLive, PreviewRenewalLive).pipe(Layer.provideMerge(Layer.mergeAll(
  InMemoryStorage,
  InMemoryWhatsAppLive,
  InMemoryMediaPreparer.layer({
    links: {
      "https://cdn.example/clip": {
        kind: "document",
        bytes: new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112]),
        mimeType: "application/octet-stream",
        fileName: "clip.mp4"
      },
      "https://cdn.example/later": "unreachable",
      "https://cdn.example/down": "unreachable",
      "https://cdn.example/gone": "unusable"
    }
  })
)))

const enqueue = (message: OutgoingMessage) => enqueueForNewPerson(message)

/** Several intents for one person, in this order. */
const enqueueFor = (messages: ReadonlyArray<OutgoingMessage>) =>
  Effect.gen(function* () {
    const userId = UserId.make(randomUUID())
    const waId = `9725${Math.floor(Math.random() * 1e8)}`
    const recipient = { waId: Option.some(waId), bsuid: Option.none() }
    const intents = messages.map((message) => ({ id: randomUUID(), userId, recipient, message, createdAt: new Date(0) }))
    yield* Effect.flatMap(OutboundMessages, (outbound) => outbound.enqueue(intents))
    return { ids: intents.map((intent) => intent.id), userId, waId }
  })

const sentTo = (waId: string) => Effect.flatMap(InMemoryMessages, (messages) => messages.sentTo({ waId }))
describe("the sender and media links", () => {
  it.effect("images and videos by link go by uploaded id as what they turned out to be; the rest as before", () =>
    Effect.gen(function* () {
      const image = yield* enqueue(OutgoingMessage.Image({ media: MediaRef.Link({ url: "https://cdn.example/a" }), caption: "Yours" }))
      const video = yield* enqueue(OutgoingMessage.Video({ media: MediaRef.Link({ url: "https://cdn.example/clip" }), caption: "Clip" }))
      const text = yield* enqueue(OutgoingMessage.Text({ body: "hello" }))
      const uploaded = yield* enqueue(OutgoingMessage.Image({ media: MediaRef.Uploaded({ mediaId: "already-there" }) }))

      expect(yield* sendOutboundBatch(10, "1 minute")).toBe(4)

      const [sentImage] = yield* sentTo(image.waId)
      expect(sentImage?.message).toMatchObject({ _tag: "Image", media: { _tag: "Uploaded" }, caption: "Yours" })
      const imageId = sentImage?.message._tag === "Image" && sentImage.message.media._tag === "Uploaded" ? sentImage.message.media.mediaId : ""
      const stored = yield* Effect.flatMap(InMemoryMedia, (media) => media.get(imageId))
      expect(stored?.mimeType).toBe("image/jpeg")
      expect(new TextDecoder().decode(stored?.bytes.subarray(4))).toBe("https://cdn.example/a")

      const [sentVideo] = yield* sentTo(video.waId)
      expect(sentVideo?.message).toMatchObject({ _tag: "Document", media: { _tag: "Uploaded" }, filename: "clip.mp4", caption: "Clip" })

      expect((yield* sentTo(text.waId))[0]?.message).toEqual(OutgoingMessage.Text({ body: "hello" }))
      expect((yield* sentTo(uploaded.waId))[0]?.message).toMatchObject({ media: { _tag: "Uploaded", mediaId: "already-there" } })
      const asked = yield* Effect.flatMap(InMemoryMediaLinks, (links) => links.requested)
      expect(asked).toEqual(["https://cdn.example/a", "https://cdn.example/clip"])
    }).pipe(Effect.provide(world)))

  it.effect("an unreachable link is tried again later and then sent; an unusable one fails for good", () =>
    Effect.gen(function* () {
      const later = yield* enqueue(OutgoingMessage.Image({ media: MediaRef.Link({ url: "https://cdn.example/later" }) }))
      const gone = yield* enqueue(OutgoingMessage.Image({ media: MediaRef.Link({ url: "https://cdn.example/gone" }) }))
      expect(yield* sendOutboundBatch(10, "1 minute")).toBe(2)
      expect(yield* sentTo(later.waId)).toHaveLength(0)
      expect(yield* sentTo(gone.waId)).toHaveLength(0)
      expect(yield* intentOf(later)).toMatchObject({ status: "pending", lastError: Option.some("the link could not be reached (in memory)") })
      expect(yield* intentOf(gone)).toMatchObject({ status: "failed", lastError: Option.some("the link gives nothing sendable (in memory)") })

      // Too soon: the unreachable one waits its back-off.
      expect(yield* sendOutboundBatch(10, "1 minute")).toBe(0)

      yield* Effect.flatMap(InMemoryMediaLinks, (links) =>
        links.set("https://cdn.example/later", { kind: "image", bytes: new Uint8Array([0xff, 0xd8, 0xff]), mimeType: "image/jpeg", fileName: "later.jpg" })
      )
      yield* TestClock.adjust("2 minutes")
      expect(yield* sendOutboundBatch(10, "1 minute")).toBe(1)
      expect((yield* sentTo(later.waId))[0]?.message).toMatchObject({ _tag: "Image", media: { _tag: "Uploaded" } })
      expect((yield* intentOf(later))?.status).toBe("sent")
      expect(yield* sentTo(gone.waId)).toHaveLength(0)
      expect((yield* intentOf(gone))?.status).toBe("failed")
    }).pipe(Effect.provide(world)))

  it.effect("a link that stays unreachable is given up after the tries allowed, and the person's next message goes out", () =>
    Effect.gen(function* () {
      const person = yield* enqueueFor([
        OutgoingMessage.Image({ media: MediaRef.Link({ url: "https://cdn.example/down" }) }),
        OutgoingMessage.Text({ body: "after the image" })
      ])
      const image = { id: person.ids[0] ?? "", userId: person.userId }
      // MEDIA_LINK_ATTEMPTS' default: 12 tries, each after its back-off (never more than 5 minutes).
      for (let attempt = 1; attempt < 12; attempt++) {
        expect(yield* sendOutboundBatch(10, "1 minute")).toBe(1)
        expect(yield* intentOf(image)).toMatchObject({ status: "pending", attempts: attempt })
        expect(yield* sentTo(person.waId)).toHaveLength(0)
        yield* TestClock.adjust("5 minutes")
      }
      expect(yield* sendOutboundBatch(10, "1 minute")).toBe(1)
      expect(yield* intentOf(image)).toMatchObject({
        status: "failed",
        attempts: 12,
        lastError: Option.some("given up after 12 tries: the link could not be reached (in memory)")
      })

      expect(yield* sendOutboundBatch(10, "1 minute")).toBe(1)
      expect((yield* sentTo(person.waId)).map((sent) => sent.message)).toEqual([OutgoingMessage.Text({ body: "after the image" })])
    }).pipe(Effect.provide(world)))

  it.effect("a headshot given up is recorded for the conversation with its failure; a captioned picture of ours is not", () =>
    Effect.gen(function* () {
      const headshot = yield* enqueue(OutgoingMessage.Image({ media: MediaRef.Link({ url: "https://cdn.example/gone" }) }))
      const preview = yield* enqueue(OutgoingMessage.Image({ media: MediaRef.Link({ url: "https://cdn.example/gone" }), caption: "A pack" }))
      expect(yield* sendOutboundBatch(10, "1 minute")).toBe(2)
      expect((yield* intentOf(headshot))?.status).toBe("failed")
      expect((yield* intentOf(preview))?.status).toBe("failed")

      const events = yield* Effect.flatMap(Outbox, (outbox) => outbox.claim(100, new Date(8.64e15), "1 minute"))
      const undeliverable = events.filter((event) => event.eventType === BotEvents.MediaUndeliverable.eventType)
      expect(undeliverable.map((event) => event.key)).toEqual([headshot.userId])
      const [event] = undeliverable
      if (event === undefined) return
      const decoded = yield* decodeEvent(BotEvents.MediaUndeliverable, event)
      expect(decoded.data).toEqual({
        userId: headshot.userId,
        intentId: headshot.id,
        kind: "Image",
        reason: "the link gives nothing sendable (in memory)"
      })
    }).pipe(Effect.provide(world)))

  it.effect("WhatsApp's rate limits are waited out for as long as they last, with no bound", () =>
    Effect.gen(function* () {
      const person = yield* enqueue(OutgoingMessage.Image({ media: MediaRef.Link({ url: "https://cdn.example/a" }) }))
      const recipient = { waId: person.waId }
      yield* Effect.flatMap(InMemoryMessages, (messages) =>
        messages.failNext(new RateLimited({ code: 130429, message: "throughput reached" }), { times: 20, recipient })
      )
      for (let attempt = 1; attempt <= 20; attempt++) {
        expect(yield* sendOutboundBatch(10, "1 minute")).toBe(1)
        expect(yield* intentOf(person)).toMatchObject({ status: "pending", attempts: attempt })
        yield* TestClock.adjust("5 minutes")
      }
      expect(yield* sendOutboundBatch(10, "1 minute")).toBe(1)
      expect((yield* intentOf(person))?.status).toBe("sent")
      expect(yield* sentTo(person.waId)).toHaveLength(1)
    }).pipe(Effect.provide(world)))
})
