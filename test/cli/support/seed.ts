import { Effect, Option, Schema } from "effect"
import { FeedbackRecord, Feedback } from "../../../application/ports/Feedback.js"
import { Orders } from "../../../application/ports/Orders.js"
import { Outbox } from "../../../application/ports/Outbox.js"
import { PaymentRecord, PaymentRecords } from "../../../application/ports/PaymentRecords.js"
import { Photos } from "../../../application/ports/Photos.js"
import { Tunes, TuneRecord } from "../../../application/ports/Tunes.js"
import { Users } from "../../../application/ports/Users.js"
import { Conversation, newConversation } from "../../../domain/conversation/Conversation.js"
import { UserId } from "../../../domain/ids.js"
import { order, photo, t0, tuneId, unique, uuid } from "../../../testing/port-suites/storage/fixtures.js"

/** A phone number unique to the run, so tests on a shared database never collide. */
export const phoneNumber = (): string => `97250${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`

/**
 * A person in the middle of things: photos collected (PicturesLoaded), one paid order in
 * training with a model, low-rating feedback waiting for support, an underpaid payment.
 */
export const seedCustomer = (waId: string) =>
  Effect.gen(function* () {
    const users = yield* Users
    const id = UserId.make(unique("cli-user"))
    yield* users.resolve(
      { waId: Option.some(waId), bsuid: Option.some(`IL.${unique("bsuid")}`), profileName: Option.some("Dana") },
      id,
      t0
    )
    const placed = order(id, { status: "Training", tuneId: Option.some(tuneId()), amountMinor: 4900, currency: "ILS" })
    const conversation = yield* Schema.decodeUnknown(Conversation)({
      ...newConversation("he"),
      stage: "PicturesLoaded",
      photoConsent: true,
      acceptedPhotos: 3,
      orders: [
        {
          id: placed.id,
          packId: placed.packId,
          packTitle: "Dating Profile",
          quote: { tier: "Standard", imageCount: 40, listPrice: 4900, discountPercent: 0, amount: 4900, currency: "ILS" },
          personClass: "woman",
          characteristics: {},
          source: { _tag: "Photos" },
          status: "Training",
          tuneId: Option.getOrThrow(placed.tuneId)
        }
      ]
    })
    yield* users.saveConversation(id, yield* Schema.encode(Conversation)(conversation))
    const photos = yield* Photos
    for (let i = 0; i < 3; i++) yield* photos.add(photo(id))
    yield* Effect.flatMap(Orders, (orders) => orders.create(placed))
    yield* Effect.flatMap(Tunes, (tunes) =>
      tunes.add(
        new TuneRecord({
          id: Option.getOrThrow(placed.tuneId),
          userId: id,
          orderId: placed.id,
          className: "woman",
          title: placed.id,
          createdAt: t0,
          expiresAt: Option.some(new Date(t0.getTime() + 30 * 86_400_000)),
          expired: false
        })
      )
    )
    yield* Effect.flatMap(Feedback, (feedback) =>
      feedback.addFeedback(
        new FeedbackRecord({ id: uuid(), userId: id, orderId: Option.some(placed.id), text: "The faces look nothing like me", at: t0, handled: false })
      )
    )
    yield* Effect.flatMap(PaymentRecords, (payments) =>
      payments.recordIfNew(
        new PaymentRecord({
          id: unique("payment"),
          provider: "fake",
          orderId: placed.id,
          userRef: Option.some(id),
          amountMinor: 100,
          currency: "ILS",
          tier: Option.some("standard"),
          status: "succeeded",
          outcome: "underpaid",
          paidAt: t0,
          receivedAt: t0
        })
      )
    )
    return { id, orderId: placed.id }
  })

/** One event waiting in the outbox, as if no relay ran. */
export const seedPendingEvent = Effect.flatMap(Outbox, (outbox) =>
  outbox.add([{ id: uuid(), eventType: "TestEvent", key: "cli", body: "{}", createdAt: t0 }])
)
