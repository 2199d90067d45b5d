import { Clock, DateTime, Duration, Effect, Either, Option } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import type { OrderOnHoldEvent, TrainingRequestedEvent } from "../../contracts/events/BotEvents.js"
import type { AttentionReason } from "../../domain/attention/AttentionReason.js"
import { OrderId, PackId, TuneId, UserId } from "../../domain/ids.js"
import { decodeEvent } from "../events/decodeEvent.js"
import { eventRecord } from "../events/eventRecord.js"
import { OutboundWakeup, OutboxWakeup } from "../events/Wakeup.js"
import { raiseAttention } from "../attention/raiseAttention.js"
import { Astria, PromptId, TuneSource, type AstriaError, type CreatedTune } from "../ports/Astria.js"
import { AttentionItems, AttentionNote } from "../ports/AttentionItems.js"
import { CallbackUrls } from "../ports/CallbackUrls.js"
import { PermanentFailure, RetryableFailure, StorageOutage, type BrokerMessage, type DeliveryFailure, type Subscription } from "../ports/EventBroker.js"
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

/**
 * Astria failures that reach the broker (an order's 402 and 422 are held before, see `holdFor`): a
 * refused request needs an operator; the rest is worth another delivery.
 */
const asDeliveryFailure = (error: AstriaError): DeliveryFailure =>
  error._tag === "AstriaValidationError" ||
  error._tag === "AstriaOutOfCredits" ||
  error._tag === "AstriaUnauthorized" ||
  error._tag === "AstriaProtocolError"
    ? new PermanentFailure({ reason: `Astria refused: ${error._tag}: ${error.message}` })
    : new RetryableFailure({ reason: `Astria: ${error._tag}` })

/** Why an order's training cannot start by itself, and what the person and support hear. */
interface Hold {
  readonly reason: AttentionReason
  readonly cause: OrderOnHoldEvent["cause"]
  readonly detail: string
  /** One attention item (one notice to support) for every order this cause stops. */
  readonly dedupeKey?: string
}

/** One open attention item per Astria credit outage, however many paid orders it stops. */
const outOfCreditsKey = "astria-out-of-credits"

/**
 * A paid order Astria will not train as it stands (docs/api/0-overview.md: 402 and 422 are not to
 * be retried): the order needs attention, support is told (once per outage for credits), and the
 * person hears what happens next, all in one transaction with the inbox mark. Support retries it
 * (`orders retry`) once the cause is fixed, or refunds it.
 */
const holdOrder = (eventId: string, userId: UserId, orderId: OrderId, hold: Hold) =>
  Effect.gen(function* () {
    const now = new Date(yield* Clock.currentTimeMillis)
    const held = yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(
        Effect.gen(function* () {
          if (!(yield* Effect.flatMap(Inbox, (inbox) => inbox.markHandled("training", eventId, now)))) return Option.none()
          if (!(yield* Effect.flatMap(Orders, (orders) => orders.moveTo(orderId, "NeedsAttention")))) return Option.none()
          const raised = yield* raiseAttention({
            reason: hold.reason,
            detail: hold.detail,
            userId,
            orderId,
            ...(hold.dedupeKey === undefined ? {} : { dedupeKey: hold.dedupeKey })
          })
          // The item already open for this outage lists every order it stops.
          if (!raised.opened) {
            yield* Effect.flatMap(AttentionItems, (items) =>
              items.addNote(raised.item.number, new AttentionNote({ at: now, author: "bot", text: `order ${orderId} waits too` }))
            )
          }
          const event = yield* eventRecord(BotEvents.OrderOnHold, userId, { userId, orderId, cause: hold.cause }, "payment")
          yield* Effect.flatMap(Outbox, (outbox) => outbox.add([event]))
          return Option.some(raised)
        })
      )
    )
    if (Option.isNone(held)) return
    yield* Effect.logWarning("Order on hold", { order: orderId, reason: hold.reason, attention: held.value.item.number })
    yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.notify)
    if (held.value.supportMessageQueued) yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)
  })

/** Astria's answers that stop this order for good (until a person acts); anything else fails the delivery as before. */
const holdFor = (error: AstriaError): Option.Option<Hold> => {
  switch (error._tag) {
    case "AstriaOutOfCredits":
      return Option.some({
        reason: "AstriaOutOfCredits",
        cause: "ServicePaused",
        detail: "Astria answered 402: the account is out of credits; top it up, then `orders retry` each order waiting",
        dedupeKey: outOfCreditsKey
      })
    case "AstriaValidationError":
      return Option.some({
        reason: "AstriaRefusedOrder",
        cause: "Refused",
        detail: `Astria refused the tune (${error.status}): ${error.messages.join("; ")}`
      })
    default:
      return Option.none()
  }
}

/** A 422 naming `tune_ids`: a saved model the create reused is not on Astria (any more). */
const savedModelRefused = (error: AstriaError): boolean =>
  error._tag === "AstriaValidationError" && Object.keys(error.fields).includes("tune_ids")

/**
 * Whether a saved model can still be reused: on Astria, trained, and not past its expiry. Other
 * errors (Astria unavailable) go to the caller, to be retried.
 */
const usableSavedModel = (tuneId: TuneId, now: Date) =>
  Effect.flatMap(Astria, (astria) => astria.getTune(tuneId)).pipe(
    Effect.map(
      (tune) =>
        tune.status === "trained" && !Option.exists(tune.expiresAt, (expiresAt) => expiresAt.getTime() <= now.getTime())
    ),
    Effect.catchTag("AstriaNotFound", () => Effect.succeed(false))
  )

const photoUploads = (photos: ReadonlyArray<{ readonly bytes: Uint8Array }>): TuneSource =>
  TuneSource.photos(
    photos.map((photo, index) => ({ bytes: photo.bytes, contentType: "image/jpeg", fileName: `photo-${index + 1}.jpg` }))
  )

/**
 * What the tune trains from: the saved models when each is still usable; else the stored photos
 * when they are still there; else nothing (the order needs attention).
 */
const tuneSource = (userId: UserId, reuseTuneIds: ReadonlyArray<number>, now: Date) =>
  Effect.gen(function* () {
    const photos = () => Effect.flatMap(Photos, (port) => port.listForUser(userId))
    if (reuseTuneIds.length === 0) return Option.some(photoUploads(yield* photos()))
    const tuneIds = reuseTuneIds.map((id) => TuneId.make(id))
    const usable = yield* Effect.forEach(tuneIds, (id) => usableSavedModel(id, now))
    if (usable.every(Boolean)) return Option.some(TuneSource.savedTunes(tuneIds))
    yield* Effect.logWarning("A saved model is gone; training from the stored photos if any", { tunes: tuneIds.join(",") })
    const stored = yield* photos()
    return stored.length === 0 ? Option.none<TuneSource>() : Option.some(photoUploads(stored))
  })

const held = (hold: Hold): Either.Either<CreatedTune, Hold> => Either.left(hold)

const savedModelGone = (orderId: OrderId, tuneIds: ReadonlyArray<number>): Hold => ({
  reason: "SavedModelGone",
  cause: "SavedModelGone",
  detail: `order ${orderId}: saved model ${tuneIds.join(", ")} is gone from Astria and no photos are stored to train a new one`
})

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
    const source = yield* tuneSource(userId, request.reuseTuneIds, new Date(yield* Clock.currentTimeMillis))
    if (Option.isNone(source)) return yield* holdOrder(eventId, userId, orderId, savedModelGone(orderId, request.reuseTuneIds))
    // The adapter looks the tune up by this order's title before creating it: a redelivered
    // event after a crash finds the tune made the first time instead of paying twice.
    const create = (from: TuneSource) =>
      astria.createPackTune({
        orderId,
        packId: PackId.make(request.packId),
        className: request.personClass,
        characteristics: request.characteristics,
        source: from,
        callbacks: { tune: callback.url, prompts: callback.url }
      })
    const refused = (error: AstriaError) =>
      Option.match(holdFor(error), {
        onNone: () => Effect.fail(error),
        onSome: (hold) => Effect.succeed(held(hold))
      })
    const attempt = yield* create(source.value).pipe(
      Effect.map(Either.right),
      Effect.catchAll((error) =>
        source.value._tag === "SavedTunes" && savedModelRefused(error)
          ? // Checked a moment ago, yet gone by the create: the photos are the way on, if there are any.
            Effect.flatMap(Effect.flatMap(Photos, (port) => port.listForUser(userId)), (photos) =>
              photos.length === 0
                ? Effect.succeed(held(savedModelGone(orderId, request.reuseTuneIds)))
                : create(photoUploads(photos)).pipe(Effect.map(Either.right), Effect.catchAll(refused))
            )
          : refused(error)
      )
    )
    if (Either.isLeft(attempt)) return yield* holdOrder(eventId, userId, orderId, attempt.left)
    const created: CreatedTune = attempt.right
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
      StorageUnavailable: (error) => Effect.fail(new StorageOutage({ reason: `storage: ${error.reason}` })),
      AstriaValidationError: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaOutOfCredits: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaRateLimited: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaUnavailable: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaTimeout: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaNotFound: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaUnauthorized: (error) => Effect.fail(asDeliveryFailure(error)),
      AstriaProtocolError: (error) => Effect.fail(asDeliveryFailure(error))
    })
  )
