import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Option } from "effect"
import type { Layer } from "effect"
import { Deliveries } from "../../../application/ports/Deliveries.js"
import { Feedback, FeedbackRecord, RatingRecord } from "../../../application/ports/Feedback.js"
import { InboundMessages } from "../../../application/ports/InboundMessages.js"
import { Inbox } from "../../../application/ports/Inbox.js"
import { Orders } from "../../../application/ports/Orders.js"
import { OutboundMessages } from "../../../application/ports/OutboundMessages.js"
import { Outbox } from "../../../application/ports/Outbox.js"
import { PackRecord, Packs } from "../../../application/ports/Packs.js"
import { PaymentRecord, PaymentRecords } from "../../../application/ports/PaymentRecords.js"
import { Photos } from "../../../application/ports/Photos.js"
import { TuneRecord, Tunes } from "../../../application/ports/Tunes.js"
import { UnitOfWork } from "../../../application/ports/UnitOfWork.js"
import { Users } from "../../../application/ports/Users.js"
import { OutgoingMessage } from "../../../domain/messages/OutgoingMessage.js"
import type { UserId } from "../../../domain/ids.js"
import { arrival, at, order, packId, photo, t0, tuneId, unique, userId, uuid, wamid } from "./fixtures.js"
import type { StoragePorts } from "../../../application/ports/StoragePorts.js"

class Boom {
  readonly _tag = "Boom"
}

/** Writes one row through every port for `owner` (and returns what it wrote). */
const writeEverything = (owner: UserId) =>
  Effect.gen(function* () {
    const waId = unique("972")
    yield* (yield* Users).resolve({ waId: Option.some(waId), bsuid: Option.none(), profileName: Option.none() }, owner, t0)
    yield* (yield* Users).saveConversation(owner, { state: "New" })
    const message = wamid()
    yield* (yield* InboundMessages).recordArrivals([arrival({ waId }, t0, message)])
    const eventId = uuid()
    yield* (yield* Outbox).add([{ id: eventId, eventType: "E", key: owner, body: "{}", createdAt: t0 }])
    yield* (yield* Inbox).markHandled("conversation", eventId, t0)
    yield* (yield* OutboundMessages).enqueue([
      { id: uuid(), userId: owner, recipient: { waId: Option.some(waId), bsuid: Option.none() }, message: OutgoingMessage.Text({ body: "hi" }), createdAt: t0 }
    ])
    yield* (yield* Photos).add(photo(owner))
    const pack = packId()
    yield* (yield* Packs).sync([
      new PackRecord({ id: pack, slug: "s", title: "t", tier: "lite", coverUrl: Option.none(), samples: {}, previews: {}, syncedAt: t0 })
    ])
    const o = order(owner)
    yield* (yield* Orders).create(o)
    yield* (yield* Tunes).add(
      new TuneRecord({ id: tuneId(), userId: owner, orderId: o.id, className: "man", title: "t", createdAt: t0, expiresAt: Option.none(), expired: false })
    )
    yield* (yield* Deliveries).claimPrompt(o.id, 1, ["https://mp.astria.ai/x.jpg"], t0)
    const paymentId = unique("pay")
    yield* (yield* PaymentRecords).recordIfNew(
      new PaymentRecord({ id: paymentId, provider: "fakepay", orderId: o.id, userRef: Option.some(owner), amountMinor: 1, currency: "USD", tier: Option.none(), status: "succeeded", outcome: "underpaid", paidAt: t0, receivedAt: t0 })
    )
    yield* (yield* Feedback).addRating(new RatingRecord({ userId: owner, orderId: Option.some(o.id), stars: 1, at: t0 }))
    const feedbackId = uuid()
    yield* (yield* Feedback).addFeedback(
      new FeedbackRecord({ id: feedbackId, userId: owner, orderId: Option.some(o.id), text: "meh", at: t0, handled: false })
    )
    return { message, eventId, pack, order: o, paymentId, feedbackId }
  })

/** What is visible of `owner` through every port. */
const visible = (owner: UserId, written: Effect.Effect.Success<ReturnType<typeof writeEverything>>) =>
  Effect.gen(function* () {
    return {
      user: Option.isSome(yield* (yield* Users).get(owner)),
      inbound: yield* (yield* InboundMessages).countForUser(owner),
      // Marking again is false only when the first mark is there.
      inbox: !(yield* (yield* Inbox).markHandled("conversation", written.eventId, t0)),
      outbound: (yield* (yield* OutboundMessages).listForUser(owner)).length,
      photos: yield* (yield* Photos).countForUser(owner),
      pack: Option.isSome(yield* (yield* Packs).get(written.pack)),
      order: Option.isSome(yield* (yield* Orders).get(written.order.id)),
      tunes: (yield* (yield* Tunes).listForUser(owner)).length,
      images: (yield* (yield* Deliveries).imagesForOrder(written.order.id)).length,
      payment: (yield* (yield* PaymentRecords).needingReview).some((p) => p.id === written.paymentId),
      feedback: (yield* (yield* Feedback).awaitingSupport).some((f) => f.id === written.feedbackId)
    }
  })

/** Transactions over every port: all or nothing, nested ones as savepoints. */
export const unitOfWorkSuite = <E>(name: string, layer: Layer.Layer<StoragePorts, E>) =>
  describe(`UnitOfWork contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("commits the work of every port together", () =>
        Effect.gen(function* () {
          const unitOfWork = yield* UnitOfWork
          const owner = userId()
          const written = yield* unitOfWork.transaction(writeEverything(owner))
          expect(yield* visible(owner, written)).toEqual({
            user: true, inbound: 1, inbox: true, outbound: 1, photos: 1, pack: true, order: true, tunes: 1, images: 1, payment: true, feedback: true
          })
        }))

      it.effect("rolls back the work of every port when the transaction fails", () =>
        Effect.gen(function* () {
          const unitOfWork = yield* UnitOfWork
          const owner = userId()
          let written: Effect.Effect.Success<ReturnType<typeof writeEverything>> | undefined
          const exit = yield* Effect.exit(
            unitOfWork.transaction(
              Effect.gen(function* () {
                written = yield* writeEverything(owner)
                return yield* Effect.fail(new Boom())
              })
            )
          )
          expect(Exit.isFailure(exit)).toBe(true)
          expect(yield* visible(owner, written!)).toEqual({
            user: false, inbound: 0, inbox: false, outbound: 0, photos: 0, pack: false, order: false, tunes: 0, images: 0, payment: false, feedback: false
          })
        }))

      it.effect("rolls back on a defect too", () =>
        Effect.gen(function* () {
          const unitOfWork = yield* UnitOfWork
          const users = yield* Users
          const owner = userId()
          const exit = yield* Effect.exit(
            unitOfWork.transaction(
              Effect.zipRight(
                users.resolve({ waId: Option.some(unique("972")), bsuid: Option.none(), profileName: Option.none() }, owner, t0),
                Effect.dieMessage("bug")
              )
            )
          )
          expect(Exit.isFailure(exit)).toBe(true)
          expect(yield* users.get(owner)).toEqual(Option.none())
        }))

      it.effect("undoes only a failed nested transaction, and the outer one commits", () =>
        Effect.gen(function* () {
          const unitOfWork = yield* UnitOfWork
          const inbound = yield* InboundMessages
          const owner = userId()
          const waId = unique("972")
          yield* (yield* Users).resolve({ waId: Option.some(waId), bsuid: Option.none(), profileName: Option.none() }, owner, t0)
          const record = () => inbound.recordArrivals([arrival({ waId }, at(1))])
          yield* unitOfWork.transaction(
            Effect.gen(function* () {
              yield* record()
              const inner = yield* Effect.exit(unitOfWork.transaction(Effect.zipRight(record(), Effect.fail(new Boom()))))
              expect(Exit.isFailure(inner)).toBe(true)
              yield* unitOfWork.transaction(record())
            })
          )
          expect(yield* inbound.countForUser(owner)).toBe(2)
        }))

      it.effect("erases a person port by port", () =>
        Effect.gen(function* () {
          const owner = userId()
          const written = yield* writeEverything(owner)
          expect(yield* (yield* InboundMessages).deleteForUser(owner)).toBe(1)
          expect(yield* (yield* OutboundMessages).deleteForUser(owner)).toBe(1)
          expect(yield* (yield* Photos).deleteForUser(owner)).toBe(1)
          expect(yield* (yield* Deliveries).deleteForUser(owner)).toBe(1)
          expect(yield* (yield* Orders).deleteForUser(owner)).toBe(1)
          expect(yield* (yield* Tunes).deleteForUser(owner)).toBe(1)
          expect(yield* (yield* Feedback).deleteForUser(owner)).toBe(2)
          expect(yield* (yield* PaymentRecords).pseudonymizeUser(owner, "sha256:erased")).toBe(1)
          yield* (yield* Users).erase(owner)
          const after = yield* visible(owner, written)
          expect(after).toEqual({
            user: false, inbound: 0, inbox: true, outbound: 0, photos: 0, pack: true, order: false, tunes: 0, images: 0, payment: true, feedback: false
          })
          const kept = (yield* (yield* PaymentRecords).needingReview).find((p) => p.id === written.paymentId)
          expect(kept?.userRef).toEqual(Option.some("sha256:erased"))
        }))
    })
  })
