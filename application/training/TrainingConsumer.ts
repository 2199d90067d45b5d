import { Clock, DateTime, Duration, Effect, Option } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import type { TrainingRequestedEvent } from "../../contracts/events/BotEvents.js"
import { OrderId, PackId, TuneId, UserId } from "../../domain/ids.js"
import { decodeEvent } from "../events/decodeEvent.js"
import { eventRecord } from "../events/eventRecord.js"
import { OutboxWakeup } from "../events/Wakeup.js"
import { Astria, PromptId, type AstriaError, type CreatedTune } from "../ports/Astria.js"
import { CallbackUrls } from "../ports/CallbackUrls.js"
import {
  PermanentFailure,
  RetryableFailure,
  type BrokerMessage,
  type DeliveryFailure,
  type Subscription
} from "../ports/EventBroker.js"
import { Inbox } from "../ports/Inbox.js"
import { Orders } from "../ports/Orders.js"
import { Outbox } from "../ports/Outbox.js"
import { Packs } from "../ports/Packs.js"
import { Photos } from "../ports/Photos.js"
import { TuneRecord, Tunes } from "../ports/Tunes.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"

export const trainingSubscription: Subscription = {
  name: "training",
  eventTypes: [
    BotEvents.TrainingRequested.eventType,
    BotEvents.LikePromptsRequested.eventType,
    BotEvents.UserErased.eventType
  ]
}

/** Astria keeps a tune 30 days after training. */
const astriaRetention = Duration.days(30)
/** Our guess when Astria gives no ETA: pack tunes usually take well under an hour. */
const defaultTrainingTime = Duration.minutes(45)

/** Astria failures: a refused request needs an operator; the rest is worth another delivery. */
const asDeliveryFailure = (error: AstriaError): DeliveryFailure =>
  error._tag === "AstriaValidationError" || error._tag === "AstriaUnauthorized" || error._tag === "AstriaProtocolError"
    ? new PermanentFailure({ reason: `Astria refused: ${error._tag}: ${error.message}` })
    : new RetryableFailure({ reason: `Astria: ${error._tag}` })

/** Creates the pack tune of a paid order; the order's id is the tune's title. */
const createTune = (eventId: string, request: TrainingRequestedEvent) =>
  Effect.gen(function* () {
    const orderId = OrderId.make(request.orderId)
    const userId = UserId.make(request.userId)
    const orders = yield* Orders
    const astria = yield* Astria
    const order = yield* orders.get(orderId)
    if (Option.isNone(order) || order.value.status !== "Paid") {
      return yield* Effect.logInfo("Training already under way or not due", { order: orderId })
    }
    const callback = yield* Effect.flatMap(CallbackUrls, (urls) => urls.issue(orderId))
    const photos =
      request.reuseTuneIds.length > 0 ? [] : yield* Effect.flatMap(Photos, (port) => port.listForUser(userId))
    // The adapter looks the tune up by this order's title before creating it: a redelivered
    // event after a crash finds the tune made the first time instead of paying twice.
    const created: CreatedTune = yield* astria.createPackTune({
      orderId,
      packId: PackId.make(request.packId),
      className: request.personClass,
      characteristics: request.characteristics,
      source:
        request.reuseTuneIds.length > 0
          ? { _tag: "SavedTunes", tuneIds: request.reuseTuneIds.map((id) => TuneId.make(id)) }
          : {
              _tag: "Photos",
              photos: photos.map((photo, index) => ({
                bytes: photo.bytes,
                contentType: "image/jpeg",
                fileName: `photo-${index + 1}.jpg`
              }))
            },
      callbacks: { tune: callback.url, prompts: callback.url }
    })
    const now = yield* Clock.currentTimeMillis
    const eta = Option.getOrElse(created.eta, () => new Date(now + Duration.toMillis(defaultTrainingTime)))
    const pack = yield* Effect.flatMap(Packs, (packs) => packs.get(PackId.make(request.packId)))
    const recorded = yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(
        Effect.gen(function* () {
          if (!(yield* Effect.flatMap(Inbox, (inbox) => inbox.markHandled("training", eventId, new Date(now))))) {
            return false
          }
          yield* orders.startTraining(orderId, created.id, Option.some(eta), callback.tokenHash)
          yield* Effect.flatMap(Tunes, (tunes) =>
            tunes.add(
              new TuneRecord({
                id: created.id,
                userId,
                orderId,
                className: request.personClass,
                title: Option.match(pack, { onNone: () => "Headshots", onSome: (found) => found.title }),
                createdAt: new Date(now),
                expiresAt: Option.some(new Date(eta.getTime() + Duration.toMillis(astriaRetention))),
                expired: false
              })
            )
          )
          const event = yield* eventRecord(
            BotEvents.TuneCreated,
            userId,
            { userId, orderId, tuneId: created.id, eta: DateTime.unsafeMake(eta) },
            "payment"
          )
          yield* Effect.flatMap(Outbox, (outbox) => outbox.add([event]))
          return true
        })
      )
    )
    if (recorded) yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.notify)
  })

/** A 4-5 star rating: Astria hears that these prompts were liked. */
const likePrompts = (orderId: OrderId) =>
  Effect.gen(function* () {
    const order = yield* Effect.flatMap(Orders, (orders) => orders.get(orderId))
    const tuneId = Option.flatMap(order, (found) => found.tuneId)
    if (Option.isNone(tuneId)) return
    const astria = yield* Astria
    const prompts = yield* astria.listPrompts(tuneId.value)
    yield* Effect.forEach(prompts, (prompt) => astria.likePrompt(PromptId.make(prompt.id)), {
      concurrency: 4,
      discard: true
    })
  })

/** An erased person's models go from Astria too; one already gone is fine. */
const deleteTunes = (tuneIds: ReadonlyArray<number>) =>
  Effect.flatMap(Astria, (astria) =>
    Effect.forEach(
      tuneIds,
      (id) => astria.deleteTune(TuneId.make(id)).pipe(Effect.catchTag("AstriaNotFound", () => Effect.void)),
      { discard: true }
    )
  )

/** The training service: every call to Astria that follows from a decision. */
export const handleTrainingEvent = (message: BrokerMessage) =>
  Effect.gen(function* () {
    switch (message.eventType) {
      case BotEvents.TrainingRequested.eventType: {
        const { id, data } = yield* decodeEvent(BotEvents.TrainingRequested, message)
        return yield* createTune(id, data)
      }
      case BotEvents.LikePromptsRequested.eventType: {
        const { data } = yield* decodeEvent(BotEvents.LikePromptsRequested, message)
        return yield* likePrompts(OrderId.make(data.orderId))
      }
      case BotEvents.UserErased.eventType: {
        const { data } = yield* decodeEvent(BotEvents.UserErased, message)
        return yield* deleteTunes(data.tuneIds)
      }
      default:
        return yield* new PermanentFailure({ reason: `training does not take ${message.eventType}` })
    }
  }).pipe(
    Effect.catchTags({
      StorageUnavailable: (error) => Effect.fail(new RetryableFailure({ reason: `storage: ${error.reason}` })),
      AstriaValidationError: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaOutOfCredits: (error) => Effect.fail(new PermanentFailure({ reason: `Astria refused: ${error._tag}: ${error.message}` })),
      AstriaRateLimited: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaUnavailable: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaTimeout: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaNotFound: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaUnauthorized: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaProtocolError: (error) => Effect.fail(asDeliveryFailure(error))
    })
  )
