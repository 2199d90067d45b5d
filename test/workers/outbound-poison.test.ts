import { randomUUID } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Ref, Schedule } from "effect"
import { runOutboundSender } from "../../application/messaging/OutboundSender.js"
import { Messenger, type Recipient } from "../../application/ports/Messenger.js"
import type { OutboundMessages } from "../../application/ports/OutboundMessages.js"
import { OutboundWakeup } from "../../application/events/Wakeup.js"
import { InMemoryMediaPreparer } from "../../adapters/memory/InMemoryMediaPreparer.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { WhatsAppMessageId } from "../../domain/ids.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { ApplicationServicesLive } from "../../runtimes/composition/ApplicationServices.js"
import { PreviewRenewalLive } from "../../runtimes/composition/PackPreviews.js"
import { enqueueForNewPerson, intentOf } from "../support/outboundIntents.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"

const reachable = await isReachable()

/** Who received what; a text "same wamid" is answered with one wamid every time, as no real send is. */
class Delivered extends Effect.Service<Delivered>()("test/Delivered", {
  effect: Ref.make<ReadonlyArray<Recipient>>([])
}) {}

const duplicateWamid = "same wamid"

const MessengerGivingOneWamidTwice = Layer.effect(
  Messenger,
  Effect.map(Delivered, (delivered) =>
    Messenger.of({
      send: (recipient, message) =>
        Effect.zipRight(
          Ref.update(delivered, (all) => [...all, recipient]),
          Effect.succeed(
            WhatsAppMessageId.make(message._tag === "Text" && message.body === duplicateWamid ? "wamid.twice" : `wamid.${randomUUID()}`)
          )
        ),
      markRead: () => Effect.void,
      uploadMedia: () => Effect.succeed(randomUUID())
    })
  )
).pipe(Layer.provideMerge(Delivered.Default))

const world = Layer.merge(ApplicationServicesLive, PreviewRenewalLive).pipe(
  Layer.provideMerge(
    Layer.mergeAll(
      PgStorage.pipe(Layer.provide(freshSchema("outbound_poison"))),
      MessengerGivingOneWamidTwice,
      InMemoryMediaPreparer.layer({ links: {} })
    )
  )
)

const enqueue = (body: string) =>
  Effect.tap(enqueueForNewPerson(OutgoingMessage.Text({ body }), new Date()), () => Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify))

const receivedBy = (waId: string) =>
  Effect.map(Effect.flatMap(Delivered, Ref.get), (all) => all.some((recipient) => recipient.waId === waId))

const eventually = <A>(label: string, effect: Effect.Effect<A, unknown, Delivered | OutboundMessages>, done: (value: A) => boolean) =>
  effect.pipe(
    Effect.filterOrFail(done, () => new Error(`${label}: not yet`)),
    Effect.retry(Schedule.spaced("20 millis")),
    Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error(`${label}: not within 20 s`) })
  )

describe.skipIf(!reachable && !inCi)("the outbound sender and a poisoned message", () => {
  it.live("a wamid stored twice fails that one message, kept with its reason; everyone else's messages are still sent", () =>
    Effect.gen(function* () {
      const first = yield* enqueue(duplicateWamid)
      const second = yield* enqueue(duplicateWamid)
      const others = yield* Effect.forEach(["one", "two", "three"], enqueue)
      yield* Effect.forkScoped(runOutboundSender({ batchSize: 50, lease: "2 minutes", pollInterval: "50 millis" }))

      for (const other of others) yield* eventually(`"${other.waId}" sent`, receivedBy(other.waId), (received) => received)
      const settled = (status: string | undefined) => status === "sent" || status === "failed"
      const a = yield* eventually("the first settled", intentOf(first), (intent) => settled(intent?.status))
      const b = yield* eventually("the second settled", intentOf(second), (intent) => settled(intent?.status))
      expect([a?.status, b?.status].sort()).toEqual(["failed", "sent"])
      const failed = a?.status === "failed" ? a : b
      expect(Option.getOrElse(failed!.lastError, () => "")).toMatch(/duplicate key/)

      // The sender is still there for whoever comes next.
      const later = yield* enqueue("after the poisoned one")
      yield* eventually("the message after the poisoned one sent", receivedBy(later.waId), (received) => received)
      // Received first, marked sent just after: wait for the mark rather than race it.
      const laterIntent = yield* eventually("the message after the poisoned one marked", intentOf(later), (intent) => intent?.status !== "pending")
      expect(laterIntent?.status).toBe("sent")
    }).pipe(Effect.scoped, Effect.provide(world)), 30_000)
})
