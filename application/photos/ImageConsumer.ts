import { Array as Arr, Clock, Effect, Either, Option, Schema } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import type { ImageProcessedEvent } from "../../contracts/events/BotEvents.js"
import { PhotoId, UserId } from "../../domain/ids.js"
import { judgeInspections, type InspectionJudgement } from "../../domain/photos/judgeInspections.js"
import { isTrainableClass, trainableClasses, type TrainableClass } from "../../domain/photos/PersonClass.js"
import { firstRejection, type PhotoRejectionReason } from "../../domain/photos/PhotoRejection.js"
import { majority, Tally } from "../../domain/photos/Votes.js"
import { decodeEvent } from "../events/decodeEvent.js"
import { eventRecord } from "../events/eventRecord.js"
import { countPhotoVerdict } from "../metrics/BotMetrics.js"
import { OutboxWakeup } from "../events/Wakeup.js"
import { Astria } from "../ports/Astria.js"
import { RetryableFailure, StorageOutage, type BrokerMessage, type Subscription } from "../ports/EventBroker.js"
import { Ids } from "../ports/Ids.js"
import { Inbox } from "../ports/Inbox.js"
import { MediaSource, type DownloadedMedia } from "../ports/MediaSource.js"
import { Outbox } from "../ports/Outbox.js"
import { PerceptualHash, PhotoChecker } from "../ports/PhotoChecker.js"
import { Photos, StoredPhoto } from "../ports/Photos.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { Users } from "../ports/Users.js"
import { PhotoInspectionSettings } from "../settings/PhotoInspectionSettings.js"

export const imagesSubscription: Subscription = {
  name: "images",
  eventTypes: [BotEvents.PhotoReceived.eventType]
}

type Verdict = ImageProcessedEvent["verdict"]

const isPerceptualHash = Schema.is(PerceptualHash)

interface Checked {
  readonly verdict: Verdict
  readonly photo: Option.Option<StoredPhoto>
}

const rejected = (reason: string): Checked => ({ verdict: { _tag: "Rejected", reason }, photo: Option.none() })

/**
 * The person's class as their conversation knows it: picked with the buttons, or voted from the
 * photos inspected so far. Only those two fields are read, so the conversation keeps its shape.
 */
const KnownClass = Schema.Struct({
  chosenClass: Schema.optional(Schema.String),
  votes: Schema.optional(Schema.Struct({ classes: Tally }))
})
const decodeKnownClass = Schema.decodeUnknownOption(KnownClass)

const knownClassOf = (userId: UserId) =>
  Effect.map(Effect.flatMap(Users, (users) => users.loadConversation(userId)), (stored) =>
    Option.flatMap(Option.flatMap(stored, decodeKnownClass), (known) =>
      Option.filter(
        Option.orElse(Option.fromNullable(known.chosenClass), () => majority(known.votes?.classes ?? {})),
        isTrainableClass
      )
    )
  )

/**
 * Astria's look at an accepted photo, where it is wanted: asked with the person's class, or with
 * each trainable class while it is unknown (docs/api/4-images/1-inspect.md: `name` is the class
 * the tune will be trained as). An Astria that fails does not hold the photo up.
 */
const inspect = (jpeg: Uint8Array, userId: UserId) =>
  Effect.gen(function* () {
    const settings = yield* PhotoInspectionSettings
    const astria = yield* Effect.serviceOption(Astria)
    if (!settings.enabled || Option.isNone(astria)) return Option.none<InspectionJudgement>()
    const known = yield* knownClassOf(userId)
    const asked = Option.match(known, {
      onNone: (): Arr.NonEmptyReadonlyArray<TrainableClass> => trainableClasses,
      onSome: (className): Arr.NonEmptyReadonlyArray<TrainableClass> => [className]
    })
    const photo = { bytes: jpeg, contentType: "image/jpeg", fileName: "photo.jpg" }
    return yield* Effect.forEach(
      asked,
      (className) => Effect.map(astria.value.inspectPhoto(photo, className), (found) => ({ asked: className, found })),
      { concurrency: "unbounded" }
    ).pipe(
      Effect.map((answers) => (Arr.isNonEmptyReadonlyArray(answers) ? Option.some(judgeInspections(answers, known)) : Option.none())),
      Effect.catchAll((error) =>
        Effect.logWarning("Astria inspection failed; the local checks decide", { error: error._tag }).pipe(
          Effect.as(Option.none<InspectionJudgement>())
        )
      )
    )
  })

/**
 * The image service: a photo is downloaded at once (WhatsApp's URLs live 5 minutes), checked
 * locally and by Astria, and stored when accepted; the verdict goes back to the conversation.
 * Nothing is held locked while downloading or asking Astria.
 */
export const handlePhotoReceived = (message: BrokerMessage) =>
  Effect.gen(function* () {
    const { id: eventId, data } = yield* decodeEvent(BotEvents.PhotoReceived, message)
    const userId = UserId.make(data.userId)
    const photos = yield* Photos
    const checker = yield* PhotoChecker
    const ids = yield* Ids

    // What could not be downloaded is refused with the reason the person can act on.
    const downloaded = yield* Effect.flatMap(MediaSource, (media) => media.download(data.mediaId)).pipe(
      Effect.map((media): Either.Either<DownloadedMedia, PhotoRejectionReason> => Either.right(media)),
      Effect.catchTags({
        MediaNotFound: () => Effect.succeed(Either.left("unreadable" as const)),
        MediaExpired: () => Effect.succeed(Either.left("unreadable" as const)),
        MediaIntegrityFailed: () => Effect.succeed(Either.left("unreadable" as const)),
        MediaTooLarge: (tooLarge) =>
          Effect.logInfo("A photo larger than the download limit was refused unread").pipe(
            Effect.annotateLogs({ maxBytes: tooLarge.maxBytes, declaredBytes: tooLarge.declaredBytes ?? "not declared" }),
            Effect.as(Either.left("too_large" as const))
          )
      })
    )
    const earlierHashes = (yield* photos.hashesForUser(userId)).filter(isPerceptualHash)
    const checked: Checked = yield* Either.match(downloaded, {
      onLeft: (reason) => Effect.succeed(rejected(reason)),
      onRight: (media) =>
        Effect.gen(function* () {
          const outcome = yield* checker.check({
            bytes: media.bytes,
            earlierHashes,
            declaredMimeType: data.mimeType
          })
          if (outcome._tag === "Rejected") return rejected(outcome.reason)
          const judgement = yield* inspect(outcome.jpeg, userId)
          const reason = Option.flatMap(judgement, (judged) => Option.fromNullable(firstRejection(judged.reasons)))
          if (Option.isSome(reason)) return rejected(reason.value)
          const inspection = Option.map(judgement, (judged) => judged.inspection)
          const photo = new StoredPhoto({
            id: PhotoId.make(yield* ids.uuid),
            userId,
            sourceMessageId: data.messageId,
            bytes: outcome.jpeg,
            hash: outcome.hash,
            width: outcome.width,
            height: outcome.height,
            createdAt: new Date(yield* Clock.currentTimeMillis)
          })
          const verdict: Verdict = {
            _tag: "Accepted",
            photoId: photo.id,
            ...Option.match(inspection, { onNone: () => ({}), onSome: (found) => ({ inspection: { ...found } }) })
          }
          return { verdict, photo: Option.some(photo) }
        })
    })

    const now = new Date(yield* Clock.currentTimeMillis)
    const recorded = yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(
        Effect.gen(function* () {
          if (!(yield* Effect.flatMap(Inbox, (inbox) => inbox.markHandled("images", eventId, now)))) return false
          if (Option.isSome(checked.photo)) yield* photos.add(checked.photo.value)
          const event = yield* eventRecord(
            BotEvents.ImageProcessed,
            userId,
            { userId, messageId: data.messageId, verdict: checked.verdict },
            "image"
          )
          yield* Effect.flatMap(Outbox, (outbox) => outbox.add([event]))
          return true
        })
      )
    )
    if (recorded) {
      yield* countPhotoVerdict(checked.verdict._tag === "Accepted" ? "accepted" : checked.verdict.reason)
      yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.notify)
    }
  }).pipe(
    Effect.catchTags({
      StorageUnavailable: (error) => Effect.fail(new StorageOutage({ reason: `storage: ${error.reason}` })),
      PhotoCheckFailed: (error) => Effect.fail(new RetryableFailure({ reason: `photo check: ${error.reason}` })),
      AuthenticationFailed: (error) => Effect.fail(new RetryableFailure({ reason: `media: ${error.message}` })),
      RateLimited: (error) => Effect.fail(new RetryableFailure({ reason: `media: ${error.message}` })),
      MessengerUnavailable: (error) => Effect.fail(new RetryableFailure({ reason: `media: ${error.message}` }))
    })
  )
