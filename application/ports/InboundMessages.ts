import { Context, Schema } from "effect"
import type { Effect } from "effect"
import { UserId, WhatsAppMessageId } from "../../domain/ids.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

export class InboundMessageRecord extends Schema.Class<InboundMessageRecord>("InboundMessageRecord")({
  id: WhatsAppMessageId,
  userId: UserId,
  /** The inbound type (text, image, interactive...), for history and retention. */
  kind: Schema.String,
  /** The normalized inbound event as JSON. */
  payload: Schema.Unknown,
  receivedAt: Schema.DateFromSelf
}) {}

/** Everything people sent, deduplicated by WhatsApp's message id; Meta redelivers for days. */
export class InboundMessages extends Context.Tag("whatsapp-astria-bot/InboundMessages")<
  InboundMessages,
  {
    /** False when a message with this id was already recorded (a redelivery). */
    readonly recordIfNew: (record: InboundMessageRecord) => Effect.Effect<boolean, StorageUnavailable>
    readonly countForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
    readonly deleteOlderThan: (cutoff: Date) => Effect.Effect<number, StorageUnavailable>
    readonly deleteForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
