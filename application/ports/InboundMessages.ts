import { Context, Duration, Schema } from "effect"
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

/** A message as the history keeps it, without who sent it (the user it belongs to is asked for). */
export const HistoryMessage = Schema.Struct({
  id: WhatsAppMessageId,
  kind: Schema.String,
  payload: Schema.Unknown,
  receivedAt: Schema.DateFromSelf
})
export type HistoryMessage = typeof HistoryMessage.Type

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

/**
 * How long a message may still come again: Meta redelivers an unacknowledged webhook for 7 days,
 * and a day more allows for clocks that differ. Message ids are remembered that long, whatever
 * the history's retention; a message stamped earlier than that is taken without being acted on.
 */
export const redeliveryWindow = Duration.days(8)

/**
 * Everything people sent, deduplicated by WhatsApp's message id; Meta redelivers for days. The
 * ids seen are remembered apart from the history (which retention may delete sooner), as
 * one-way digests where they are persisted: a wamid encodes the sender's number.
 */
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
    /**
     * Records messages that must not be acted on (stamped before `redeliveryWindow`) as seen at
     * `seenAt`, with no event; a message seen before is left as it is. Returns how many were new.
     * `recordArrivals` counts an arrival's id as seen at its event's creation.
     */
    readonly recordUnanswered: (messages: ReadonlyArray<InboundMessageRecord>, seenAt: Date) => Effect.Effect<number, StorageUnavailable>
    /** Forgets the ids first seen before `cutoff` (no redelivery can come any more); returns how many. */
    readonly forgetSeenBefore: (cutoff: Date) => Effect.Effect<number, StorageUnavailable>
    /** Makes a message its sender's, once the conversation has resolved who that is. */
    readonly attribute: (id: WhatsAppMessageId, userId: UserId) => Effect.Effect<void, StorageUnavailable>
    readonly countForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
    /** The user's latest `limit` messages still in the history, newest first (what support reads). */
    readonly recentForUser: (userId: UserId, limit: number) => Effect.Effect<ReadonlyArray<HistoryMessage>, StorageUnavailable>
    /** Deletes the history of messages received before `cutoff`; their ids stay seen. */
    readonly deleteOlderThan: (cutoff: Date) => Effect.Effect<number, StorageUnavailable>
    readonly deleteForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
