import { Clock, Effect, Option } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import type { PhotoReceivedEvent } from "../../contracts/events/BotEvents.js"
import type { Command } from "../../domain/conversation/Command.js"
import type { Conversation } from "../../domain/conversation/Conversation.js"
import type { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { eventRecord } from "../events/eventRecord.js"
import { Feedback, FeedbackRecord, RatingRecord } from "../ports/Feedback.js"
import { Ids } from "../ports/Ids.js"
import { OrderRecord, Orders } from "../ports/Orders.js"
import { OutboundMessages, type Recipient } from "../ports/OutboundMessages.js"
import { Outbox } from "../ports/Outbox.js"
import { Photos } from "../ports/Photos.js"
import { Users, type UserRecord } from "../ports/Users.js"
import { raiseAttention } from "../attention/raiseAttention.js"
import { recentConversation } from "../support/recentConversation.js"
import { eraseUser } from "../privacy/eraseUser.js"

/** What happens after the transaction commits: read receipts are best effort and need no row. */
export interface AfterCommit {
  readonly markRead: ReadonlyArray<string>
  /**
   * Messages to a person just erased: sent once, directly, so that no stored row keeps their
   * number. Losing one (WhatsApp down at that moment) loses a goodbye, never data.
   */
  readonly directSends: ReadonlyArray<{ readonly recipient: Recipient; readonly message: OutgoingMessage }>
  readonly queuedMessages: boolean
  readonly queuedEvents: boolean
}

const recipientOf = (user: UserRecord): Recipient => ({ waId: user.waId, bsuid: user.bsuid })

/**
 * Carries out the decider's commands inside the deciding transaction: every effect on the outside
 * world becomes a row (a message intent or an outbox event) that is acted on after the commit.
 */
export const executeCommands = (
  user: UserRecord,
  conversation: Conversation,
  commands: ReadonlyArray<Command>,
  photo: Option.Option<PhotoReceivedEvent>
) =>
  Effect.gen(function* () {
    const outbound = yield* OutboundMessages
    const outbox = yield* Outbox
    const ids = yield* Ids
    const now = new Date(yield* Clock.currentTimeMillis)
    const markRead: Array<string> = []
    const directSends: Array<{ readonly recipient: Recipient; readonly message: OutgoingMessage }> = []
    let erased = false
    let queuedMessages = false
    let queuedEvents = false

    const enqueue = (message: OutgoingMessage, recipient: Recipient = recipientOf(user)) =>
      Effect.gen(function* () {
        yield* outbound.enqueue([{ id: yield* ids.uuid, userId: user.id, recipient, message, createdAt: now }])
        queuedMessages = true
      })

    const publish = <A, I>(event: Parameters<typeof eventRecord<A, I>>[0], data: A) =>
      Effect.gen(function* () {
        yield* outbox.add([yield* eventRecord(event, user.id, data, "message")])
        queuedEvents = true
      })

    /** The checkout is made by the checkout worker, after the commit: a slow provider never holds this person's lock. */
    const requestCheckout = (command: Extract<Command, { _tag: "CreateOrder" | "RequestCheckout" }>) =>
      publish(BotEvents.CheckoutRequested, {
        userId: user.id,
        orderId: command.orderId,
        packTitle: command.packTitle,
        language: conversation.language,
        quote: command.quote
      })

    const createOrder = (command: Extract<Command, { _tag: "CreateOrder" }>) =>
      Effect.gen(function* () {
        const order = conversation.orders.find((candidate) => candidate.id === command.orderId)
        yield* Effect.flatMap(Orders, (orders) =>
          orders.create(
            new OrderRecord({
              id: command.orderId,
              userId: user.id,
              packId: command.packId,
              tier: command.quote.tier,
              amountMinor: command.quote.amount,
              currency: command.quote.currency,
              imageCount: command.quote.imageCount,
              className: order?.personClass ?? "person",
              characteristics: order?.characteristics ?? {},
              reuseTuneId: Option.fromNullable(
                order?.source._tag === "SavedTunes" ? order.source.tuneIds[0] : undefined
              ),
              status: "AwaitingPayment",
              paymentLink: Option.none(),
              checkoutReference: Option.none(),
              checkoutExpiresAt: Option.none(),
              tuneId: Option.none(),
              callbackTokenHash: Option.none(),
              eta: Option.none(),
              createdAt: now,
              paidAt: Option.none(),
              deliveredAt: Option.none()
            })
          )
        )
        yield* requestCheckout(command)
      })

    const notifySupport = (command: Extract<Command, { _tag: "NotifySupport" }>) =>
      Effect.gen(function* () {
        const raised = yield* raiseAttention({
          reason: command.reason,
          detail: command.detail,
          userId: user.id,
          ...(command.orderId === undefined ? {} : { orderId: command.orderId }),
          stage: conversation.stage,
          context: yield* recentConversation(user.id)
        })
        if (raised.supportMessageQueued) queuedMessages = true
      })

    for (const command of commands) {
      switch (command._tag) {
        case "Send":
          if (erased) directSends.push({ recipient: recipientOf(user), message: command.message })
          else yield* enqueue(command.message)
          break
        case "MarkReadAndTyping":
          markRead.push(command.messageId)
          break
        case "RecordPhotoConsent":
          yield* Effect.flatMap(Users, (users) => users.recordPhotoConsent(user.id, now))
          break
        case "ProcessPhoto":
          if (Option.isSome(photo) && photo.value.messageId === command.messageId) {
            yield* publish(BotEvents.PhotoReceived, photo.value)
          }
          break
        case "CreateOrder":
          yield* createOrder(command)
          break
        case "RequestCheckout":
          yield* requestCheckout(command)
          break
        case "CreateTune":
          yield* publish(BotEvents.TrainingRequested, {
            userId: user.id,
            orderId: command.orderId,
            packId: command.packId,
            personClass: command.personClass,
            characteristics: command.characteristics,
            reuseTuneIds: command.source._tag === "SavedTunes" ? command.source.tuneIds : []
          })
          break
        case "LikePrompts":
          yield* publish(BotEvents.LikePromptsRequested, { userId: user.id, orderId: command.orderId })
          break
        case "StoreRating":
          yield* Effect.flatMap(Feedback, (feedback) =>
            feedback.addRating(
              new RatingRecord({ userId: user.id, orderId: Option.some(command.orderId), stars: command.stars, at: now })
            )
          )
          break
        case "StoreFeedback":
          yield* Effect.flatMap(Feedback, (feedback) =>
            Effect.flatMap(ids.uuid, (id) =>
              feedback.addFeedback(
                new FeedbackRecord({
                  id,
                  userId: user.id,
                  orderId: Option.some(command.orderId),
                  text: command.text,
                  at: now,
                  handled: false
                })
              )
            )
          )
          break
        case "NotifySupport":
          yield* notifySupport(command)
          break
        case "ResetPhotos":
          yield* Effect.flatMap(Photos, (photos) => photos.deleteForUser(user.id))
          break
        case "EraseUser":
          yield* eraseUser(user.id)
          erased = true
          queuedEvents = true
          break
      }
    }
    const afterCommit: AfterCommit = { markRead, directSends, queuedMessages, queuedEvents }
    return afterCommit
  })
