import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Option, Ref, TestClock } from "effect"
import { InMemoryMessages, InMemoryWhatsAppLive } from "../../adapters/memory/InMemoryMessenger.js"
import { InMemoryMediaPreparer } from "../../adapters/memory/InMemoryMediaPreparer.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { ingestInboundEvents } from "../../application/messaging/ingestInboundEvents.js"
import { sendOutboundBatch } from "../../application/messaging/OutboundSender.js"
import { MessengerUnavailable } from "../../application/ports/Messenger.js"
import { OutboundMessages } from "../../application/ports/OutboundMessages.js"
import { NotReady, Readiness } from "../../application/ports/Readiness.js"
import { StorageUnavailable } from "../../application/ports/StorageUnavailable.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { ApplicationServicesLive } from "../../runtimes/composition/ApplicationServices.js"
import { PreviewRenewalLive } from "../../runtimes/composition/PackPreviews.js"
import { enqueueForNewPerson, intentOf, statusFromMeta } from "../support/outboundIntents.js"

/**
 * Storage that can go down just after the sender has claimed its batch, or refuse the outcome of
 * one intent while it otherwise answers: the two ways a claimed intent's outcome fails to be
 * written. `Readiness` tells them apart, as Postgres' does.
 */
const FlakyStorage = Effect.gen(function* () {
  const outbound = yield* OutboundMessages
  const down = yield* Ref.make(false)
  const goesDownAfterClaim = yield* Ref.make(false)
  const refused = yield* Ref.make(new Set<string>())
  const unavailable = new StorageUnavailable({ reason: "Connection terminated unexpectedly" })
  const unlessDown = <A>(id: string, write: Effect.Effect<A, StorageUnavailable>) =>
    Effect.flatMap(Effect.zip(Ref.get(down), Ref.get(refused)), ([isDown, refusing]) =>
      isDown || refusing.has(id) ? Effect.fail(unavailable) : write
    )
  const flaky = OutboundMessages.of({
    ...outbound,
    claimPending: (limit, now, lease) =>
      Effect.tap(outbound.claimPending(limit, now, lease), () =>
        Effect.flatMap(Ref.get(goesDownAfterClaim), (crash) => (crash ? Ref.set(down, true) : Effect.void))
      ),
    markSent: (id, wamid, now) => unlessDown(id, outbound.markSent(id, wamid, now)),
    retryAt: (id, at, reason) => unlessDown(id, outbound.retryAt(id, at, reason)),
    markFailed: (id, reason) => unlessDown(id, outbound.markFailed(id, reason))
  })
  const readiness = Readiness.of({
    check: Effect.flatMap(Ref.get(down), (isDown) => (isDown ? Effect.fail(new NotReady({ reason: "database: ECONNREFUSED" })) : Effect.void))
  })
  return {
    flaky,
    readiness,
    crashAfterNextClaim: Ref.set(goesDownAfterClaim, true),
    comeBack: Effect.zipRight(Ref.set(goesDownAfterClaim, false), Ref.set(down, false)),
    refuse: (id: string) => Ref.update(refused, (ids) => new Set([...ids, id]))
  }
})

const world = Layer.merge(ApplicationServicesLive, PreviewRenewalLive).pipe(
  Layer.provideMerge(Layer.mergeAll(InMemoryStorage, InMemoryWhatsAppLive, InMemoryMediaPreparer.layer({ links: {} })))
)

const enqueueText = (body: string) => enqueueForNewPerson(OutgoingMessage.Text({ body }))

const sentTo = (waId: string) => Effect.flatMap(InMemoryMessages, (messages) => messages.sentTo({ waId }))
const lease = "2 minutes"

/** Runs `test` with the sender's storage behind `FlakyStorage`. */
const withFlakyStorage = <A, E, R>(test: (storage: Effect.Effect.Success<typeof FlakyStorage>) => Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const storage = yield* FlakyStorage
    return yield* test(storage).pipe(
      Effect.provideService(OutboundMessages, storage.flaky),
      Effect.provideService(Readiness, storage.readiness)
    )
  }).pipe(Effect.provide(world))

describe("the outbound sender through a storage outage", () => {
  it.effect("a reply sent just before storage went down is marked sent once it answers, and never sent again", () =>
    withFlakyStorage((storage) =>
      Effect.gen(function* () {
        const person = yield* enqueueText("Welcome")
        yield* storage.crashAfterNextClaim
        const batch = yield* Effect.fork(sendOutboundBatch(10, lease))
        yield* TestClock.adjust("4 seconds")
        expect(yield* sentTo(person.waId)).toHaveLength(1)
        yield* storage.comeBack
        yield* TestClock.adjust("10 seconds")
        expect(yield* Fiber.join(batch)).toBe(1)
        expect((yield* intentOf(person))?.status).toBe("sent")

        // Long past the claim's lease, nothing is due: the person got the reply once.
        yield* TestClock.adjust("5 minutes")
        expect(yield* sendOutboundBatch(10, lease)).toBe(0)
        expect(yield* sentTo(person.waId)).toHaveLength(1)
      })
    ))

  it.effect("a reply whose failed try could not be recorded while storage was down goes out soon after it answers, not after its lease", () =>
    withFlakyStorage((storage) =>
      Effect.gen(function* () {
        const person = yield* enqueueText("Welcome")
        yield* Effect.flatMap(InMemoryMessages, (messages) =>
          messages.failNext(new MessengerUnavailable({ message: "the send budget could not be reserved: database down" }))
        )
        yield* storage.crashAfterNextClaim
        const batch = yield* Effect.fork(sendOutboundBatch(10, lease))
        yield* TestClock.adjust("4 seconds")
        yield* storage.comeBack
        yield* TestClock.adjust("10 seconds")
        expect(yield* Fiber.join(batch)).toBe(1)
        expect(yield* intentOf(person)).toMatchObject({ status: "pending", lastError: Option.some("the send budget could not be reserved: database down") })

        // Its retry is due after its back-off (seconds), well within the two minutes of its lease.
        yield* TestClock.adjust("5 seconds")
        expect(yield* sendOutboundBatch(10, lease)).toBe(1)
        expect(yield* sentTo(person.waId)).toHaveLength(1)
        expect((yield* intentOf(person))?.status).toBe("sent")
      })
    ))

  it.effect("storage refusing one reply's outcome while it answers costs neither the batch nor anyone else's reply", () =>
    withFlakyStorage((storage) =>
      Effect.gen(function* () {
        const refusedOne = yield* enqueueText("first")
        const others = yield* Effect.all([enqueueText("second"), enqueueText("third")])
        yield* storage.refuse(refusedOne.id)
        expect(yield* sendOutboundBatch(10, lease)).toBe(3)
        for (const other of others) {
          expect(yield* sentTo(other.waId)).toHaveLength(1)
          expect((yield* intentOf(other))?.status).toBe("sent")
        }
        // The refused one was sent; its outcome is lost, so it comes back when its lease ends.
        expect(yield* sentTo(refusedOne.waId)).toHaveLength(1)
        expect((yield* intentOf(refusedOne))?.status).toBe("pending")
      })
    ))

  it.effect("a reply whose outcome was never stored is not sent again once WhatsApp's status for it, naming the claim it was sent under, is in", () =>
    withFlakyStorage((storage) =>
      Effect.gen(function* () {
        const person = yield* enqueueText("Welcome")
        // The process dies between the send and its mark: here, storage refuses the mark.
        yield* storage.refuse(person.id)
        expect(yield* sendOutboundBatch(10, lease)).toBe(1)
        const [sent] = yield* sentTo(person.waId)
        expect((yield* intentOf(person))?.status).toBe("pending")

        // Meta's `sent` status comes back with the callback data the message was sent with.
        const status = yield* statusFromMeta(sent!, "sent", person.waId)
        expect(yield* ingestInboundEvents([status])).toMatchObject({ statuses: 1 })
        expect(yield* intentOf(person)).toMatchObject({ status: "sent", wamid: Option.some(sent!.id) })

        // Long past the claim's lease, nothing is due: the person got the reply once.
        yield* TestClock.adjust("5 minutes")
        expect(yield* sendOutboundBatch(10, lease)).toBe(0)
        expect(yield* sentTo(person.waId)).toHaveLength(1)
      })
    ))
})
