import { Context, Schema } from "effect"
import type { Effect } from "effect"
import type { UserId } from "../../domain/ids.js"
import { WhatsAppMessageId } from "../../domain/ids.js"
import type { NewOutboxEvent } from "./Outbox.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/** Who sent a message, as WhatsApp named them: the phone number, the BSUID, or both. */
export const SenderIdentity = Schema.Struct({
  waId: Schema.OptionFromSelf(Schema.String),
  bsuid: Schema.OptionFromSelf(Schema.String)
})
export type SenderIdentity = typeof SenderIdentity.Type

export class InboundMessageRecord extends Schema.Class<InboundMessageRecord>("InboundMessageRecord")({
  id: WhatsAppMessageId,
  sender: SenderIdentity,
  /** The inbound type (text, image, interactive...), for history and retention. */
  kind: Schema.String,
  /** The normalized inbound event as JSON. */
  payload: Schema.Unknown,
  receivedAt: Schema.DateFromSelf
}) {}

/**
 * A message just taken in, with the event that announces it. The event's key is the sender's user
 * id when the store knows them, else the given one (see `senderKey`).
 */
export interface Arrival {
  readonly message: InboundMessageRecord
  readonly event: NewOutboxEvent
}

/** A message that was new, with its event as the store wrote it (keyed by the user id when known). */
export interface RecordedArrival {
  readonly messageId: WhatsAppMessageId
  readonly event: NewOutboxEvent
}

/** Everything people sent, deduplicated by WhatsApp's message id; Meta redelivers for days. */
export class InboundMessages extends Context.Tag("whatsapp-astria-bot/InboundMessages")<
  InboundMessages,
  {
    /**
     * Records each message not recorded before together with its event in the outbox, all in one
     * atomic step (so a webhook costs one round trip), and returns the new ones with their events
     * as written, in the order given; a redelivered message gets no second event. A message from a known sender (found by BSUID,
     * then by number, as `Users.resolve` finds them) is stored as theirs and its event keyed by
     * their user id, so that all of a user's events form one ordered stream. From an unknown
     * sender, the message waits for `attribute` and its event keeps the key it came with.
     */
    readonly recordArrivals: (arrivals: ReadonlyArray<Arrival>) => Effect.Effect<ReadonlyArray<RecordedArrival>, StorageUnavailable>
    /** Makes a message its sender's, once the conversation has resolved who that is. */
    readonly attribute: (id: WhatsAppMessageId, userId: UserId) => Effect.Effect<void, StorageUnavailable>
    readonly countForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
    readonly deleteOlderThan: (cutoff: Date) => Effect.Effect<number, StorageUnavailable>
    readonly deleteForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
