import { Clock, Effect, Either, Option, Schema } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import type { ImageProcessedEvent } from "../../contracts/events/BotEvents.js"
import { PhotoId, UserId } from "../../domain/ids.js"
import type { PhotoInspection } from "../../domain/photos/Inspection.js"
import { firstRejection, type PhotoRejectionReason } from "../../domain/photos/PhotoRejection.js"
import { decodeEvent } from "../events/decodeEvent.js"
import { eventRecord } from "../events/eventRecord.js"
import { OutboxWakeup } from "../events/Wakeup.js"
import { Astria } from "../ports/Astria.js"
import { RetryableFailure, type BrokerMessage, type Subscription } from "../ports/EventBroker.js"
import { Ids } from "../ports/Ids.js"
import { Inbox } from "../ports/Inbox.js"
import { MediaSource, type DownloadedMedia } from "../ports/MediaSource.js"
import { Outbox } from "../ports/Outbox.js"
import { PerceptualHash, PhotoChecker } from "../ports/PhotoChecker.js"
import { Photos, StoredPhoto } from "../ports/Photos.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { PhotoInspectionSettings } from "../settings/PhotoInspectionSettings.js"
import { inspectionRejections } from "./inspectionRejections.js"

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

/** Astria's look at an accepted photo, where it is wanted; an Astria that fails does not hold the photo up. */
const inspect = (jpeg: Uint8Array) =>
  Effect.gen(function* () {
    const settings = yield* PhotoInspectionSettings
    const astria = yield* Effect.serviceOption(Astria)
    if (!settings.enabled || Option.isNone(astria)) return Option.none<PhotoInspection>()
    return yield* astria.value
      .inspectPhoto({ bytes: jpeg, contentType: "image/jpeg", fileName: "photo.jpg" }, "person")
      .pipe(
        Effect.map(Option.some),
        Effect.catchAll((error) =>
          Effect.logWarning("Astria inspection failed; the local checks decide", { error: error._tag }).pipe(
            Effect.as(Option.none<PhotoInspection>())
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
          const inspection = yield* inspect(outcome.jpeg)
          const reason = Option.flatMap(inspection, (found) => Option.fromNullable(firstRejection(inspectionRejections(found))))
          if (Option.isSome(reason)) return rejected(reason.value)
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
    if (recorded) yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.notify)
  }).pipe(
    Effect.catchTags({
      StorageUnavailable: (error) => Effect.fail(new RetryableFailure({ reason: `storage: ${error.reason}` })),
      PhotoCheckFailed: (error) => Effect.fail(new RetryableFailure({ reason: `photo check: ${error.reason}` })),
      AuthenticationFailed: (error) => Effect.fail(new RetryableFailure({ reason: `media: ${error.message}` })),
      RateLimited: (error) => Effect.fail(new RetryableFailure({ reason: `media: ${error.message}` })),
      MessengerUnavailable: (error) => Effect.fail(new RetryableFailure({ reason: `media: ${error.message}` }))
    })
  )
