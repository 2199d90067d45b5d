import { Cause, Clock, Duration, Effect, FiberSet, Option, Schedule } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import { raiseAttentionNow } from "../attention/raiseAttention.js"
import { PreviewRenewal } from "../catalogue/PreviewRenewal.js"
import { eventRecord } from "../events/eventRecord.js"
import { retryDelay } from "../events/retryDelay.js"
import { OutboundWakeup, OutboxWakeup } from "../events/Wakeup.js"
import { MediaRef, OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { MediaPreparer, type PrepareError } from "../ports/MediaPreparer.js"
import { Messenger, type SendError, type UploadError } from "../ports/Messenger.js"
import { OutboundMessages, type OutboundIntent } from "../ports/OutboundMessages.js"
import { Outbox } from "../ports/Outbox.js"
import { Readiness } from "../ports/Readiness.js"
import type { StorageUnavailable } from "../ports/StorageUnavailable.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { MessagingSettings } from "../settings/MessagingSettings.js"
import { storageAnswers } from "../workers/storageAnswers.js"
import { stopReason } from "../workers/superviseWorker.js"
import { awaitCustomerServiceWindow } from "./awaitCustomerServiceWindow.js"
import { recipientAddress } from "./recipientAddress.js"
import { sendClaimOf } from "./sendClaim.js"

export interface OutboundSenderOptions {
  readonly batchSize: number
  readonly lease: Duration.DurationInput
  readonly pollInterval: Duration.DurationInput
}

export const defaultOutboundSenderOptions: OutboundSenderOptions = {
  batchSize: 50,
  lease: "2 minutes",
  pollInterval: "1 second"
}


/**
 * An image or video by link is fetched, fitted to WhatsApp's limits and uploaded first: Astria's
 * links may have no extension, hold large PNGs or videos, and a link WhatsApp cannot fetch or
 * recognise fails the send. It goes by media id as what it turned out to be, caption kept.
 */
const withUploadedMedia = (
  message: OutgoingMessage
): Effect.Effect<OutgoingMessage, PrepareError | UploadError, MediaPreparer | Messenger> => {
  if ((message._tag !== "Image" && message._tag !== "Video") || message.media._tag !== "Link") return Effect.succeed(message)
  const { caption, media } = message
  return Effect.gen(function* () {
    const prepared = yield* Effect.flatMap(MediaPreparer, (preparer) => preparer.prepare(media.url))
    const mediaId = yield* Effect.flatMap(Messenger, (messenger) => messenger.uploadMedia(prepared.bytes, prepared.mimeType))
    const uploaded = MediaRef.Uploaded({ mediaId })
    const captioned = caption === undefined ? {} : { caption }
    switch (prepared.kind) {
      case "image":
        return OutgoingMessage.Image({ media: uploaded, ...captioned })
      case "video":
        return OutgoingMessage.Video({ media: uploaded, ...captioned })
      case "document":
        return OutgoingMessage.Document({ media: uploaded, filename: prepared.fileName, ...captioned })
    }
  })
}

/** The id of the uploaded media a message sends, if any. */
const uploadedMediaId = (message: OutgoingMessage): Option.Option<string> =>
  (message._tag === "Image" || message._tag === "Video" || message._tag === "Document") && message.media._tag === "Uploaded"
    ? Option.some(message.media.mediaId)
    : Option.none()

/** The same message with its media under another id. */
const withMediaId = (message: OutgoingMessage, mediaId: string): OutgoingMessage => {
  const media = MediaRef.Uploaded({ mediaId })
  switch (message._tag) {
    case "Image":
      return OutgoingMessage.Image({ ...message, media })
    case "Video":
      return OutgoingMessage.Video({ ...message, media })
    case "Document":
      return OutgoingMessage.Document({ ...message, media })
    default:
      return message
  }
}

/** When a failed intent is tried again: twice as late after each try, at most 5 minutes. */
const nextTry = (intent: OutboundIntent, now: Date): Date =>
  new Date(now.getTime() + Duration.toMillis(retryDelay(intent.attempts + 1)))

/**
 * Which media, once given up, the person is told about: an image or video by link with no
 * caption, which is how the headshots (and a pack's video) they paid for go out (`imagesReady`).
 * The catalogue's own pictures (the example photos and the pack previews) always carry a caption:
 * losing one costs the person nothing they are owed, and a notice about it would only confuse.
 */
const deliverableKind = (message: OutgoingMessage): Option.Option<"Image" | "Video"> =>
  (message._tag === "Image" || message._tag === "Video") && message.media._tag === "Link" && message.caption === undefined
    ? Option.some(message._tag)
    : Option.none()

/**
 * Gives up a media intent for good. For a deliverable, the loss is recorded as an event in the
 * same transaction: the sender knows neither the person's language nor their conversation, the
 * conversation consumer tells them and support.
 */
const giveUpMedia = (intent: OutboundIntent, reason: string) =>
  Effect.gen(function* () {
    const outbound = yield* OutboundMessages
    const kind = deliverableKind(intent.message)
    if (Option.isNone(kind)) return yield* outbound.markFailed(intent.id, reason)
    const record = yield* eventRecord(
      BotEvents.MediaUndeliverable,
      intent.userId,
      { userId: intent.userId, intentId: intent.id, kind: kind.value, reason },
      "message"
    )
    const unitOfWork = yield* UnitOfWork
    yield* unitOfWork.transaction(
      Effect.zipRight(outbound.markFailed(intent.id, reason), Effect.flatMap(Outbox, (outbox) => outbox.add([record])))
    )
    yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.notify)
  })

/** What to do with an intent whose send failed: later, never, or after the person writes again. */
const settleFailure = (intent: OutboundIntent, error: SendError | PrepareError, now: Date) =>
  Effect.gen(function* () {
    const outbound = yield* OutboundMessages
    switch (error._tag) {
      case "OutsideCustomerServiceWindow": {
        const unitOfWork = yield* UnitOfWork
        return yield* unitOfWork.transaction(awaitCustomerServiceWindow(intent))
      }
      case "RateLimited":
      case "PairRateLimited":
      case "MessengerUnavailable":
        return yield* outbound.retryAt(intent.id, nextTry(intent, now), error.message)
      case "MediaUnreachable": {
        // WhatsApp being busy passes; a link may stay down for good, and the person's later
        // messages wait behind this one, so it is given up after a bounded while.
        const { mediaLinkAttempts } = yield* MessagingSettings
        if (intent.attempts < mediaLinkAttempts) return yield* outbound.retryAt(intent.id, nextTry(intent, now), error.message)
        yield* Effect.logWarning("A media link stayed unreachable; the message was given up").pipe(
          Effect.annotateLogs({ intent: intent.id, attempts: intent.attempts, reason: error.message })
        )
        return yield* giveUpMedia(intent, `given up after ${intent.attempts} tries: ${error.message}`)
      }
      case "AuthenticationFailed": {
        // Every reply fails the same way until the token is renewed: each waits (nothing is lost)
        // and support hears of it once, until they close the item.
        yield* Effect.logError("WhatsApp refused our access token; an operator must renew it")
        yield* raiseAttentionNow({
          reason: "WhatsAppTokenRejected",
          detail: "Meta refused the access token (190): renew WHATSAPP_API_KEY (a system user's token does not expire), restart, then close this item; the waiting replies go out by themselves",
          dedupeKey: "whatsapp-token-rejected"
        })
        return yield* outbound.retryAt(intent.id, nextTry(intent, now), error.message)
      }
      case "InvalidMessage":
      case "InvalidParameter":
      case "Undeliverable":
      case "MessageRejected":
        yield* Effect.logWarning("A message was refused for good").pipe(
          Effect.annotateLogs({ intent: intent.id, error: error._tag })
        )
        return yield* outbound.markFailed(intent.id, error.message)
      case "MediaUnusable":
        yield* Effect.logWarning("A media link gave nothing WhatsApp can take").pipe(
          Effect.annotateLogs({ intent: intent.id, reason: error.message })
        )
        return yield* giveUpMedia(intent, error.message)
    }
  })

/**
 * Storage work for an intent the sender holds, carried through a storage outage: while storage
 * does not answer (`Readiness`), the work waits in hand and is done once it does. Otherwise a
 * reply sent just before the outage would be sent again when its claim's lease ends, and one
 * whose failed try could not be recorded would wait out the lease (minutes) instead of its
 * back-off. A failure while storage answers is this work's own and is answered as it is.
 */
const holdThroughOutage = <A, R>(intent: OutboundIntent, work: Effect.Effect<A, StorageUnavailable, R>) =>
  Effect.flatMap(Readiness, (readiness) => {
    const attempt: Effect.Effect<A, StorageUnavailable, R> = Effect.catchTag(work, "StorageUnavailable", (failure) =>
      Effect.matchEffect(readiness.check, {
        onSuccess: () => Effect.fail(failure),
        onFailure: (notReady) =>
          Effect.logWarning("Outbound sender: storage unavailable; the message is held until it answers").pipe(
            Effect.annotateLogs({ intent: intent.id, reason: notReady.reason }),
            Effect.zipRight(storageAnswers(readiness)),
            Effect.zipRight(Effect.suspend(() => attempt))
          )
      })
    )
    return attempt
  })

/**
 * Sends one intent and records the outcome. A crash between send and mark resends when the
 * claim's lease ends (at least once, never lost), unless WhatsApp's status for the send, which
 * names the claim, came first.
 */
const sendIntent = (intent: OutboundIntent) =>
  Effect.gen(function* () {
    const outbound = yield* OutboundMessages
    const messenger = yield* Messenger
    const recipient = recipientAddress(intent.recipient)
    if (Option.isNone(recipient)) {
      return yield* outbound.markFailed(intent.id, "no phone number or user id to send to")
    }
    const renewal = yield* PreviewRenewal
    const callbackData = sendClaimOf(intent)
    const send = (message: OutgoingMessage) =>
      Effect.either(Effect.flatMap(withUploadedMedia(message), (ready) => messenger.send(recipient.value, ready, { callbackData })))
    // A pack preview uploaded too long ago for WhatsApp to hold is uploaded again first.
    const message = yield* Option.match(uploadedMediaId(intent.message), {
      onNone: () => Effect.succeed(intent.message),
      onSome: (mediaId) => Effect.map(holdThroughOutage(intent, renewal.usable(mediaId)), (usable) => withMediaId(intent.message, usable))
    })
    const first = yield* send(message)
    // WhatsApp refuses a media id it no longer holds (code 100, "is not a valid whatsapp business
    // account media attachment ID"): a pack preview is uploaded again, once, and the message retried.
    const refusedMedia =
      first._tag === "Left" && first.left._tag === "InvalidParameter" ? uploadedMediaId(message) : Option.none()
    const renewed = Option.isSome(refusedMedia) ? yield* holdThroughOutage(intent, renewal.renew(refusedMedia.value)) : Option.none()
    const result = Option.isSome(renewed) ? yield* send(withMediaId(message, renewed.value)) : first
    const now = new Date(yield* Clock.currentTimeMillis)
    yield* holdThroughOutage(
      intent,
      result._tag === "Right" ? outbound.markSent(intent.id, result.right, now) : settleFailure(intent, result.left, now)
    )
  })

/**
 * Storage refusing one intent's work while it answers costs neither the batch nor the others in
 * it (whose sends may be on the wire): the intent comes back when its lease ends.
 */
const leaveToLease = <R>(intent: OutboundIntent, work: Effect.Effect<void, StorageUnavailable, R>) =>
  Effect.catchTag(work, "StorageUnavailable", (failure) =>
    Effect.logError("An outbound message's outcome could not be stored; it comes back after its lease").pipe(
      Effect.annotateLogs({ intent: intent.id, reason: failure.reason })
    )
  )

/**
 * A defect while sending one intent (a bug, or a row our storage refuses, such as a wamid already
 * stored) fails that intent for good, its reason kept for review: it must neither stop the sender
 * nor cancel the rest of the batch. Should marking it fail the same way, it is logged and comes
 * back when its lease ends.
 */
const failOnDefect = (intent: OutboundIntent) =>
  Effect.catchAllDefect((defect: unknown) => {
    const reason = `failed on a defect: ${stopReason(Cause.die(defect))}`
    return Effect.logError("An outbound message failed on a defect; it is marked failed", Cause.die(defect)).pipe(
      Effect.annotateLogs({ intent: intent.id }),
      Effect.zipRight(Effect.flatMap(OutboundMessages, (outbound) => outbound.markFailed(intent.id, reason))),
      Effect.catchAllDefect((again) =>
        Effect.logError("The message could not be marked failed; it comes back after its lease", Cause.die(again)).pipe(
          Effect.annotateLogs({ intent: intent.id })
        )
      )
    )
  })

/** Sends one claimed intent and records the outcome; a failure of its own costs no other intent. */
const sendClaimed = (intent: OutboundIntent) => failOnDefect(intent)(leaveToLease(intent, sendIntent(intent)))

/** Sends one batch: each user's earliest pending message, users in parallel. Answers how many it took. */
export const sendOutboundBatch = (batchSize: number, lease: Duration.DurationInput) =>
  Effect.gen(function* () {
    const outbound = yield* OutboundMessages
    const now = new Date(yield* Clock.currentTimeMillis)
    const intents = yield* outbound.claimPending(batchSize, now, lease)
    yield* Effect.forEach(intents, sendClaimed, { concurrency: "unbounded", discard: true })
    return intents.length
  })

/**
 * Sends what the conversation decided as soon as it is committed; polls as a backup. Up to
 * `batchSize` intents are in hand at once, and claiming goes on while they are on the wire: a
 * send that waits (for its slot in Meta's pace, or for a slow answer) holds up no one else's
 * reply, as it did when a batch had to finish before the next claim. A finished send wakes the
 * loop (that person's next message may be due). Behind a backlog, the loop claims once half the
 * slots are free, so that a deep queue is read in batches rather than once per message sent.
 */
export const runOutboundSender = (options: OutboundSenderOptions = defaultOutboundSenderOptions) =>
  Effect.gen(function* () {
    const wakeup = yield* OutboundWakeup
    const outbound = yield* OutboundMessages
    const fibers = yield* FiberSet.make()
    let inHand = 0
    /** The last claim took as many as it asked for: more are most likely due. */
    let behind = false
    const finished = Effect.suspend(() => {
      inHand -= 1
      return wakeup.notify
    })
    /** Claims for the free slots and starts sending; answers whether it should claim again at once. */
    const claimRound = Effect.gen(function* () {
      const free = options.batchSize - inHand
      if (free <= 0 || (behind && free < options.batchSize / 2)) return false
      const now = new Date(yield* Clock.currentTimeMillis)
      const intents = yield* outbound.claimPending(free, now, options.lease)
      for (const intent of intents) {
        inHand += 1
        yield* FiberSet.run(fibers, Effect.ensuring(sendClaimed(intent), finished))
      }
      behind = intents.length === free
      return behind && inHand < options.batchSize
    })
    yield* Effect.forever(
      Effect.gen(function* () {
        const again = yield* claimRound.pipe(
          Effect.tapError((error) => Effect.logWarning("Outbound sender: storage unavailable", { reason: error.reason })),
          Effect.retry(Schedule.exponential("200 millis").pipe(Schedule.union(Schedule.spaced("10 seconds"))))
        )
        if (!again) yield* wakeup.wait(options.pollInterval)
      })
    )
  }).pipe(Effect.scoped)
