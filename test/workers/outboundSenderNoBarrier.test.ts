import { randomUUID } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Layer, Option, Ref, Schedule } from "effect"
import { OutboundWakeup } from "../../application/events/Wakeup.js"
import { runOutboundSender } from "../../application/messaging/OutboundSender.js"
import { Messenger } from "../../application/ports/Messenger.js"
import { OutboundMessages } from "../../application/ports/OutboundMessages.js"
import { InMemoryMediaPreparer } from "../../adapters/memory/InMemoryMediaPreparer.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { UserId, WhatsAppMessageId } from "../../domain/ids.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { ApplicationServicesLive } from "../../runtimes/composition/ApplicationServices.js"
import { PreviewRenewalLive } from "../../runtimes/composition/PackPreviews.js"

/** A send to `slowWaId` starts and then waits for `release`; every other send goes at once. */
class SlowLine extends Effect.Service<SlowLine>()("test/SlowLine", {
  effect: Effect.all({ started: Deferred.make<void>(), release: Deferred.make<void>(), sentTo: Ref.make<ReadonlyArray<string>>([]) })
}) {}

const slowWaId = "972500000001"

const MessengerWithOneSlowLine = Layer.effect(
  Messenger,
  Effect.map(SlowLine, ({ release, sentTo, started }) =>
    Messenger.of({
      send: (recipient) =>
        Effect.gen(function* () {
          if (recipient.waId === slowWaId) {
            yield* Deferred.succeed(started, undefined)
            yield* Deferred.await(release)
          }
          yield* Ref.update(sentTo, (all) => [...all, recipient.waId ?? ""])
          return WhatsAppMessageId.make(`wamid.${randomUUID()}`)
        }),
      markRead: () => Effect.void,
      uploadMedia: () => Effect.succeed(randomUUID())
    })
  )
).pipe(Layer.provideMerge(SlowLine.Default))

const world = Layer.merge(ApplicationServicesLive, PreviewRenewalLive).pipe(
  Layer.provideMerge(Layer.mergeAll(InMemoryStorage, MessengerWithOneSlowLine, InMemoryMediaPreparer.layer({ links: {} })))
)

/** A reply queued for `waId` and the sender woken, as the conversation does after its commit. */
const queueReply = (waId: string) =>
  Effect.gen(function* () {
    const outbound = yield* OutboundMessages
    yield* outbound.enqueue([
      {
        id: randomUUID(),
        userId: UserId.make(randomUUID()),
        recipient: { waId: Option.some(waId), bsuid: Option.none() },
        message: OutgoingMessage.Text({ body: "hello" }),
        createdAt: new Date()
      }
    ])
    yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)
  })

describe("the outbound sender", () => {
  it.live("sends a reply queued while another person's send is still on the wire, without waiting for it", () =>
    Effect.gen(function* () {
      const line = yield* SlowLine
      yield* queueReply(slowWaId)
      // The poll is far off: only the wake-up can bring the second reply out.
      yield* Effect.forkScoped(runOutboundSender({ batchSize: 50, lease: "2 minutes", pollInterval: "1 hour" }))
      yield* Deferred.await(line.started)

      yield* queueReply("972500000002")
      const sentTo = yield* Ref.get(line.sentTo).pipe(
        Effect.filterOrFail((all) => all.includes("972500000002"), () => new Error("not sent yet")),
        Effect.retry(Schedule.spaced("10 millis")),
        Effect.timeoutFail({ duration: "10 seconds", onTimeout: () => new Error("the second reply waited for the first person's send") })
      )
      expect(sentTo).toEqual(["972500000002"])
      yield* Deferred.succeed(line.release, undefined)
    }).pipe(Effect.scoped, Effect.provide(world)), 20_000)
})
