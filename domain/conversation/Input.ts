import { Data } from "effect"
import type { DateTime } from "effect"
import type { OrderId, TuneId, WhatsAppMessageId } from "../ids.js"
import type { MediaRef } from "../messages/OutgoingMessage.js"
import type { PhotoVerdict } from "../photos/PhotoVerdict.js"
import type { MinorUnits } from "../pricing/Money.js"

/** Why a paid order waits for a person: Astria out of credits, Astria refusing it, its saved model gone. */
export type OrderHoldCause = "ServicePaused" | "Refused" | "SavedModelGone"

/**
 * Everything the conversation reacts to. The first five come from the person (each carries the
 * WhatsApp message id, to mark it read and to react to it); the rest from our own services.
 * Choices made with buttons or list rows (language, deletion, ratings, tiers...) arrive as
 * `ButtonReply`/`ListReply` with the reply id, decoded by `parseActionId`.
 */
export type Input = Data.TaggedEnum<{
  TextReceived: { readonly messageId: WhatsAppMessageId; readonly text: string }
  /** An image, or a document that may be one; the image service decides. */
  PhotoReceived: { readonly messageId: WhatsAppMessageId }
  ButtonReply: { readonly messageId: WhatsAppMessageId; readonly id: string }
  ListReply: { readonly messageId: WhatsAppMessageId; readonly id: string }
  /** Audio, sticker, location, contacts...: anything the bot cannot use. */
  UnsupportedReceived: { readonly messageId: WhatsAppMessageId }
  PhotoChecked: { readonly messageId: WhatsAppMessageId; readonly verdict: PhotoVerdict }
  PaymentConfirmed: { readonly orderId: OrderId; readonly amount: MinorUnits; readonly currency: string }
  PaymentFailed: { readonly orderId: OrderId }
  TuneCreated: { readonly orderId: OrderId; readonly tuneId: TuneId; readonly eta: DateTime.Utc }
  TrainingFailed: { readonly orderId: OrderId }
  /** Training could not start, and support was told already (once per cause): the person hears what happens next. */
  OrderOnHold: { readonly orderId: OrderId; readonly cause: OrderHoldCause }
  ImagesReady: {
    readonly orderId: OrderId
    readonly images: ReadonlyArray<MediaRef>
    readonly video?: MediaRef
    /** Some of the order's prompts are still rendering: more images follow, the order stays open. */
    readonly partial?: boolean
  }
  /** An image or video we generated for the person was given up by the sender; `reference` names it for support. */
  MediaUndeliverable: { readonly kind: "Image" | "Video"; readonly reference: string }
}>
export const Input = Data.taggedEnum<Input>()
