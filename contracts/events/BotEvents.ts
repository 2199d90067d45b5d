import { Schema } from "effect"
import { InboundEvent } from "../whatsapp/InboundEvent.js"

/**
 * The payloads of the bot's events (DESIGN.md, "Events and processing"). Ids are plain strings on
 * the wire; consumers brand them as they decode.
 */

export const UserMessageReceivedEvent = Schema.Struct({
  userId: Schema.String,
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

export const TuneCreatedEvent = Schema.Struct({
  userId: Schema.String,
  orderId: Schema.String,
  tuneId: Schema.Int,
  eta: Schema.optional(Schema.DateTimeUtc)
})
export type TuneCreatedEvent = typeof TuneCreatedEvent.Type

export const GeneratedPromptImages = Schema.Struct({
  promptId: Schema.Int,
  images: Schema.Array(Schema.String)
})

export const PackImagesUpdatedEvent = Schema.Struct({
  userId: Schema.String,
  orderId: Schema.String,
  prompts: Schema.Array(GeneratedPromptImages)
})
export type PackImagesUpdatedEvent = typeof PackImagesUpdatedEvent.Type

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
  PackImagesUpdated: define("PackImagesUpdatedEvent", PackImagesUpdatedEvent)
} as const
