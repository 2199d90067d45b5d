import { Schema } from "effect"
import { InboundEvent } from "../whatsapp/InboundEvent.js"

/**
 * The payloads of the bot's events (docs/ARCHITECTURE.md, "Events"). Ids are plain strings on
 * the wire; consumers brand them as they decode.
 */

/**
 * A message as WhatsApp delivered it. It names its sender by WhatsApp's identities only: the
 * webhook answers Meta before anyone looks up who that is, which the conversation does.
 */
export const UserMessageReceivedEvent = Schema.Struct({
  message: InboundEvent
})
export type UserMessageReceivedEvent = typeof UserMessageReceivedEvent.Type

export const PhotoReceivedEvent = Schema.Struct({
  userId: Schema.String,
  messageId: Schema.String,
  mediaId: Schema.String,
  mimeType: Schema.String
})
export type PhotoReceivedEvent = typeof PhotoReceivedEvent.Type

export const PhotoInspectionData = Schema.Struct({
  className: Schema.String,
  characteristics: Schema.Record({ key: Schema.String, value: Schema.String }),
  funnyFace: Schema.Boolean,
  sunglasses: Schema.Boolean,
  hat: Schema.Boolean,
  blurry: Schema.Boolean,
  multiplePeople: Schema.Boolean,
  lowResolution: Schema.Boolean
})

export const ImageProcessedEvent = Schema.Struct({
  userId: Schema.String,
  messageId: Schema.String,
  verdict: Schema.Union(
    Schema.TaggedStruct("Accepted", {
      photoId: Schema.String,
      inspection: Schema.optional(PhotoInspectionData)
    }),
    Schema.TaggedStruct("Rejected", { reason: Schema.String })
  )
})
export type ImageProcessedEvent = typeof ImageProcessedEvent.Type

export const PaymentReceivedEvent = Schema.Struct({
  orderId: Schema.String,
  userId: Schema.String,
  paymentId: Schema.String,
  amountMinor: Schema.Int,
  currency: Schema.String
})
export type PaymentReceivedEvent = typeof PaymentReceivedEvent.Type

/**
 * Training could not start for a paid order and a person on our side must act: Astria out of
 * credits (`ServicePaused`), Astria refusing the request (`Refused`), or the saved model gone with
 * no photos left (`SavedModelGone`). The order needs attention and support was told; the
 * conversation tells the person what happens next.
 */
export const OrderOnHoldEvent = Schema.Struct({
  userId: Schema.String,
  orderId: Schema.String,
  cause: Schema.Literal("ServicePaused", "Refused", "SavedModelGone")
})
export type OrderOnHoldEvent = typeof OrderOnHoldEvent.Type

export const TuneCreatedEvent = Schema.Struct({
  userId: Schema.String,
  orderId: Schema.String,
  tuneId: Schema.Int,
  /** Astria's ETA, or our own estimate when Astria gives none. */
  eta: Schema.DateTimeUtc
})
export type TuneCreatedEvent = typeof TuneCreatedEvent.Type

export const GeneratedPromptImages = Schema.Struct({
  promptId: Schema.Int,
  images: Schema.Array(Schema.String)
})

export const PackImagesUpdatedEvent = Schema.Struct({
  userId: Schema.String,
  orderId: Schema.String,
  prompts: Schema.Array(GeneratedPromptImages),
  /** Every prompt of the order's tune is done: once these are sent the order is delivered. */
  complete: Schema.optionalWith(Schema.Boolean, { default: () => false })
})
export type PackImagesUpdatedEvent = typeof PackImagesUpdatedEvent.Type

/**
 * The decider chose to train: a payment was confirmed for an order (once, however often the
 * payment arrived). Consumed by training, which creates the Astria tune.
 */
export const TrainingRequestedEvent = Schema.Struct({
  userId: Schema.String,
  orderId: Schema.String,
  packId: Schema.Int,
  personClass: Schema.String,
  characteristics: Schema.Record({ key: Schema.String, value: Schema.String }),
  /** Empty: train on the stored photos; else reuse these saved tunes. */
  reuseTuneIds: Schema.Array(Schema.Int)
})
export type TrainingRequestedEvent = typeof TrainingRequestedEvent.Type

/** A 4-5 star rating: like the order's prompts on Astria. */
export const LikePromptsRequestedEvent = Schema.Struct({
  userId: Schema.String,
  orderId: Schema.String
})
export type LikePromptsRequestedEvent = typeof LikePromptsRequestedEvent.Type

/** A person's data was erased here; their tunes on Astria go too. */
export const UserErasedEvent = Schema.Struct({
  userId: Schema.String,
  tuneIds: Schema.Array(Schema.Int)
})
export type UserErasedEvent = typeof UserErasedEvent.Type

/**
 * The outbound sender gave up on an image or video meant for the person (its link stayed
 * unreachable, or gave nothing WhatsApp can take). The sender knows neither the person's language
 * nor their conversation: the conversation tells them and support.
 */
export const MediaUndeliverableEvent = Schema.Struct({
  userId: Schema.String,
  /** The outbound intent given up, for support to look up. */
  intentId: Schema.String,
  kind: Schema.Literal("Image", "Video"),
  reason: Schema.String
})
export type MediaUndeliverableEvent = typeof MediaUndeliverableEvent.Type

/**
 * An order awaits a checkout: placed when the person agreed to the terms, or asked again to pay
 * (the one before expired or was never made). A worker creates it with the provider, outside the
 * person's conversation, stores its link on the order and sends it; the event's id makes the
 * provider's idempotency key, so a redelivery makes one checkout, not two.
 */
export const CheckoutRequestedEvent = Schema.Struct({
  userId: Schema.String,
  orderId: Schema.String,
  packTitle: Schema.String,
  /** The person's language when they asked: the link's message and any apology are in it. */
  language: Schema.String,
  /** The order's quote, as the person was shown it (the amount charged is the order's own). */
  quote: Schema.Struct({
    tier: Schema.String,
    imageCount: Schema.Int,
    listPrice: Schema.Int,
    discountPercent: Schema.Int,
    amount: Schema.Int,
    currency: Schema.String
  })
})
export type CheckoutRequestedEvent = typeof CheckoutRequestedEvent.Type

/** An event type: its name (the envelope's `event_type`) and its payload's schema. */
export interface EventDefinition<A, I = unknown> {
  readonly eventType: string
  readonly schema: Schema.Schema<A, I>
}

const define = <A, I>(eventType: string, schema: Schema.Schema<A, I>): EventDefinition<A, I> => ({
  eventType,
  schema
})

export const BotEvents = {
  UserMessageReceived: define("UserMessageReceivedEvent", UserMessageReceivedEvent),
  PhotoReceived: define("PhotoReceivedEvent", PhotoReceivedEvent),
  ImageProcessed: define("ImageProcessedEvent", ImageProcessedEvent),
  PaymentReceived: define("PaymentReceivedEvent", PaymentReceivedEvent),
  TuneCreated: define("TuneCreatedEvent", TuneCreatedEvent),
  OrderOnHold: define("OrderOnHoldEvent", OrderOnHoldEvent),
  PackImagesUpdated: define("PackImagesUpdatedEvent", PackImagesUpdatedEvent),
  TrainingRequested: define("TrainingRequestedEvent", TrainingRequestedEvent),
  LikePromptsRequested: define("LikePromptsRequestedEvent", LikePromptsRequestedEvent),
  UserErased: define("UserErasedEvent", UserErasedEvent),
  MediaUndeliverable: define("MediaUndeliverableEvent", MediaUndeliverableEvent),
  CheckoutRequested: define("CheckoutRequestedEvent", CheckoutRequestedEvent)
} as const
