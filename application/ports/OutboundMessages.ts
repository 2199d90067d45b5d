import { Context, Schema } from "effect"
import type { Duration, Effect, Option } from "effect"
import { UserId } from "../../domain/ids.js"
import { OutgoingMessageSchema } from "../../domain/messages/OutgoingMessageSchema.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

export const Recipient = Schema.Struct({
  waId: Schema.OptionFromNullOr(Schema.String),
  bsuid: Schema.OptionFromNullOr(Schema.String)
})
export type Recipient = typeof Recipient.Type

/**
 * `pending` waits to be sent; `awaiting_window` was refused for the 24-hour window and waits for
 * the person to write back; `sent`, `delivered`, `read` follow Meta's statuses and never go back;
 * `failed` will not be retried.
 */
export const IntentStatus = Schema.Literal("pending", "awaiting_window", "sent", "delivered", "read", "failed")
export type IntentStatus = typeof IntentStatus.Type

/** A message the bot decided to send: stored first, then sent, then marked with its wamid. */
export class OutboundIntent extends Schema.Class<OutboundIntent>("OutboundIntent")({
  id: Schema.UUID,
  userId: UserId,
  recipient: Recipient,
  message: OutgoingMessageSchema,
  status: IntentStatus,
  wamid: Schema.OptionFromNullOr(Schema.String),
  attempts: Schema.Int,
  lastError: Schema.OptionFromNullOr(Schema.String),
  createdAt: Schema.DateFromSelf,
  /** The order among one user's intents (creation order within the deciding transaction). */
  sequence: Schema.Int
}) {}

export type NewIntent = Pick<OutboundIntent, "id" | "userId" | "recipient" | "message" | "createdAt">

/** A Meta delivery status for one of our messages. */
export const DeliveryStatus = Schema.Literal("sent", "delivered", "read", "failed")
export type DeliveryStatus = typeof DeliveryStatus.Type

/**
 * The claim a status says its message was sent under (`sendClaim.ts`), and when the status
 * reached us: a claim holds until its lease ends.
 */
export interface StatusClaim {
  readonly intentId: string
  /** The intent's `attempts` once claimed: a later claim's send is another message. */
  readonly attempt: number
  readonly receivedAt: Date
}

export class OutboundMessages extends Context.Tag("whatsapp-astria-bot/OutboundMessages")<
  OutboundMessages,
  {
    readonly enqueue: (intents: ReadonlyArray<NewIntent>) => Effect.Effect<void, StorageUnavailable>
    /**
     * Takes pending intents, oldest first, at most one user's earliest pending intent per user
     * (so one person's messages go out in order), leasing them for `lease`.
     */
    readonly claimPending: (
      limit: number,
      now: Date,
      lease: Duration.DurationInput
    ) => Effect.Effect<ReadonlyArray<OutboundIntent>, StorageUnavailable>
    readonly markSent: (id: string, wamid: string, now: Date) => Effect.Effect<void, StorageUnavailable>
    /** Sending failed for good (bad request, undeliverable). */
    readonly markFailed: (id: string, reason: string) => Effect.Effect<void, StorageUnavailable>
    /** Sending failed for now: try again after `at`. */
    readonly retryAt: (id: string, at: Date, reason: string) => Effect.Effect<void, StorageUnavailable>
    /**
     * The 24-hour window is closed: the user's pending intents wait for their next message, all
     * but templates, which WhatsApp delivers outside the window.
     */
    readonly holdForWindow: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
    /**
     * One intent (already sent and then refused by a `failed` 131047 status) waits for the window
     * too, keeping its place in the user's order.
     */
    readonly holdIntent: (id: string) => Effect.Effect<void, StorageUnavailable>
    /** The user wrote back: their held intents go out again, in order. */
    readonly releaseHeld: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
    /**
     * Applies a status from Meta, never moving backwards (read is not undone by a late delivered);
     * a `failed` status after `sent` is applied. Returns the intent it applied to, if any.
     * The intent is the one sent as `wamid` or, when the status names the claim it was sent
     * under, a pending one of that claim whose wamid was never stored, while the claim holds:
     * it is then stored with `wamid`, and not sent again when its lease ends.
     */
    readonly recordStatus: (
      wamid: string,
      status: DeliveryStatus,
      at: Date,
      errorCode: Option.Option<number>,
      claim?: StatusClaim
    ) => Effect.Effect<Option.Option<OutboundIntent>, StorageUnavailable>
    readonly listForUser: (userId: UserId) => Effect.Effect<ReadonlyArray<OutboundIntent>, StorageUnavailable>
    /**
     * The user's intents still to be sent (pending or held for the window) and those created at
     * or after `since`, in order: what a decision on their latest message needs, without their
     * whole history.
     */
    readonly waitingOrSinceForUser: (
      userId: UserId,
      since: Date
    ) => Effect.Effect<ReadonlyArray<OutboundIntent>, StorageUnavailable>
    /**
     * When the oldest intent still to be sent was created (retrying ones included; those held for
     * the 24-hour window are not late, they wait for the person): how far behind the sender is.
     */
    readonly oldestPendingAt: Effect.Effect<Option.Option<Date>, StorageUnavailable>
    readonly deleteForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
