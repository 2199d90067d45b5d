import { Schema } from "effect"

/** Our own id for a person; never a phone number, so it can travel in logs, URLs and broker metadata. */
export const UserId = Schema.String.pipe(Schema.brand("UserId"))
export type UserId = typeof UserId.Type

/** An order's opaque id (a UUID); it is also the title of the Astria tune created for it. */
export const OrderId = Schema.String.pipe(Schema.brand("OrderId"))
export type OrderId = typeof OrderId.Type

/** WhatsApp's id of a message (wamid.*), the key of deduplication. */
export const WhatsAppMessageId = Schema.String.pipe(Schema.brand("WhatsAppMessageId"))
export type WhatsAppMessageId = typeof WhatsAppMessageId.Type

/** Our id of a stored photo. */
export const PhotoId = Schema.String.pipe(Schema.brand("PhotoId"))
export type PhotoId = typeof PhotoId.Type

/** Astria's numeric id of a pack, kept as it is on Astria. */
export const PackId = Schema.Int.pipe(Schema.brand("PackId"))
export type PackId = typeof PackId.Type

/** Astria's numeric id of a tune (a trained model). */
export const TuneId = Schema.Int.pipe(Schema.brand("TuneId"))
export type TuneId = typeof TuneId.Type
