import { DateTime, Effect, Option, Schema } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import type { PhotoReceivedEvent } from "../../contracts/events/BotEvents.js"
import type { InboundMessageEvent } from "../../contracts/whatsapp/InboundEvent.js"
import { Input } from "../../domain/conversation/Input.js"
import { OrderId, TuneId, UserId, WhatsAppMessageId } from "../../domain/ids.js"
import { PhotoInspection } from "../../domain/photos/Inspection.js"
import { PhotoRejectionReason } from "../../domain/photos/PhotoRejection.js"
import { PhotoVerdict } from "../../domain/photos/PhotoVerdict.js"
import { MinorUnits } from "../../domain/pricing/Money.js"
import { decodeEvent } from "../events/decodeEvent.js"
import { PermanentFailure, type BrokerMessage } from "../ports/EventBroker.js"

/**
 * Whose event it is: a user's, or for a message, its sender's, whom the conversation resolves to
 * a user (the webhook stores messages without looking anyone up).
 */
export type EventOwner =
  | { readonly _tag: "User"; readonly userId: UserId }
  | { readonly _tag: "Sender"; readonly message: InboundMessageEvent }

/** What the conversation consumer makes of one event: whose it is, and what the decider hears. */
export interface ConversationEvent {
  readonly eventId: string
  readonly owner: EventOwner
  readonly input: Option.Option<Input>
  /** For a message: when it was taken in (a burst's answers depend on what was queued since). */
  readonly arrivedAt?: Date
  /** For a photo: what the image service needs to fetch it (the owner's id is added once known). */
  readonly photo: Option.Option<Omit<PhotoReceivedEvent, "userId">>
  /** For images from Astria: the prompts, checked against what was already delivered. */
  readonly generated: Option.Option<{
    readonly orderId: OrderId
    readonly prompts: ReadonlyArray<{ readonly promptId: number; readonly images: ReadonlyArray<string> }>
    /** Every prompt of the order's tune is done. */
    readonly complete: boolean
  }>
}

const userOwned = (userId: string): EventOwner => ({ _tag: "User", userId: UserId.make(userId) })

const fromMessage = (message: InboundMessageEvent): Option.Option<Input> => {
  const messageId = WhatsAppMessageId.make(message.messageId)
  switch (message._tag) {
    case "Text":
      return Option.some(Input.TextReceived({ messageId, text: message.body }))
    case "Photo":
      return Option.some(Input.PhotoReceived({ messageId }))
    case "ButtonReply":
      return Option.some(Input.ButtonReply({ messageId, id: message.buttonId }))
    case "ListReply":
      return Option.some(Input.ListReply({ messageId, id: message.rowId }))
    // The re-engagement template's quick reply: the person is back; answer as to any text.
    case "TemplateButton":
      return Option.some(Input.TextReceived({ messageId, text: message.text }))
    case "Location":
    case "Unsupported":
      return Option.some(Input.UnsupportedReceived({ messageId }))
    // A reaction to one of our messages, a number change or a notice (a deletion, a changed
    // security code...) needs no answer.
    case "Reaction":
    case "NumberChanged":
    case "Notice":
      return Option.none()
  }
}

const isRejectionReason = Schema.is(PhotoRejectionReason)

const none = { photo: Option.none(), generated: Option.none() } as const

/** Decodes any event the conversation subscribes to into the decider's input. */
export const conversationEvent = (message: BrokerMessage): Effect.Effect<ConversationEvent, PermanentFailure> => {
  switch (message.eventType) {
    case BotEvents.UserMessageReceived.eventType:
      return Effect.flatMap(decodeEvent(BotEvents.UserMessageReceived, message), ({ id, data, at }) => {
        const inbound = data.message
        if (inbound._tag === "DeliveryStatus" || inbound._tag === "WebhookProblem") {
          return Effect.fail(new PermanentFailure({ reason: `a ${inbound._tag} is not a message anyone sent` }))
        }
        return Effect.succeed({
          eventId: id,
          owner: { _tag: "Sender", message: inbound },
          input: fromMessage(inbound),
          arrivedAt: DateTime.toDate(at),
          photo:
            inbound._tag === "Photo"
              ? Option.some({ messageId: inbound.messageId, mediaId: inbound.mediaId, mimeType: inbound.mimeType })
              : Option.none(),
          generated: Option.none()
        })
      })
    case BotEvents.ImageProcessed.eventType:
      return Effect.map(decodeEvent(BotEvents.ImageProcessed, message), ({ id, data }) => {
        const verdict = data.verdict
        const inspection =
          verdict._tag === "Accepted" && verdict.inspection !== undefined
            ? new PhotoInspection(verdict.inspection)
            : undefined
        return {
          eventId: id,
          owner: userOwned(data.userId),
          input: Option.some(
            Input.PhotoChecked({
              messageId: WhatsAppMessageId.make(data.messageId),
              verdict:
                verdict._tag === "Accepted"
                  ? PhotoVerdict.Accepted(inspection === undefined ? {} : { inspection })
                  : PhotoVerdict.Rejected({ reason: isRejectionReason(verdict.reason) ? verdict.reason : "unreadable" })
            })
          ),
          ...none
        }
      })
    case BotEvents.PaymentReceived.eventType:
      return Effect.map(decodeEvent(BotEvents.PaymentReceived, message), ({ id, data }) => ({
        eventId: id,
        owner: userOwned(data.userId),
        input: Option.some(
          Input.PaymentConfirmed({
            orderId: OrderId.make(data.orderId),
            amount: MinorUnits.make(data.amountMinor),
            currency: data.currency
          })
        ),
        ...none
      }))
    case BotEvents.TuneCreated.eventType:
      return Effect.map(decodeEvent(BotEvents.TuneCreated, message), ({ id, data }) => ({
        eventId: id,
        owner: userOwned(data.userId),
        input: Option.some(
          Input.TuneCreated({
            orderId: OrderId.make(data.orderId),
            tuneId: TuneId.make(data.tuneId),
            eta: data.eta
          })
        ),
        ...none
      }))
    case BotEvents.OrderOnHold.eventType:
      return Effect.map(decodeEvent(BotEvents.OrderOnHold, message), ({ id, data }) => ({
        eventId: id,
        owner: userOwned(data.userId),
        input: Option.some(Input.OrderOnHold({ orderId: OrderId.make(data.orderId), cause: data.cause })),
        ...none
      }))
    case BotEvents.PackImagesUpdated.eventType:
      return Effect.map(decodeEvent(BotEvents.PackImagesUpdated, message), ({ id, data }) => ({
        eventId: id,
        owner: userOwned(data.userId),
        input: Option.none(),
        photo: Option.none(),
        generated: Option.some({ orderId: OrderId.make(data.orderId), prompts: data.prompts, complete: data.complete })
      }))
    case BotEvents.MediaUndeliverable.eventType:
      return Effect.map(decodeEvent(BotEvents.MediaUndeliverable, message), ({ id, data }) => ({
        eventId: id,
        owner: userOwned(data.userId),
        // The intent's id only: support finds the link and the reason with the operator's tools.
        input: Option.some(Input.MediaUndeliverable({ kind: data.kind, reference: `message ${data.intentId}` })),
        ...none
      }))
    default:
      return Effect.fail(new PermanentFailure({ reason: `the conversation does not take ${message.eventType}` }))
  }
}
