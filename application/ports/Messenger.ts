import type { Effect } from "effect"
import { Context, Schema } from "effect"
import type { WhatsAppMessageId } from "../../domain/ids.js"
import type { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"

/**
 * The messenger port: how the bot talks to a person on WhatsApp, in the bot's words. Adapters
 * check Meta's limits before sending, pace their sends, retry what is worth retrying, and fail
 * with one of the typed errors below for the rest.
 */

/**
 * A person's address on WhatsApp: a phone number, a business-scoped user id, or both (the phone
 * wins when both are known, as on Meta's side).
 */
export type Recipient =
  | { readonly waId: string; readonly userId?: string | undefined }
  | { readonly waId?: string | undefined; readonly userId: string }

export interface SendOptions {
  /** Quote this message of the conversation (WhatsApp's `context.message_id`). */
  readonly replyTo?: string
  /**
   * Handed back with the message's `sent`, `delivered` and `read` statuses (WhatsApp's
   * `biz_opaque_callback_data`, at most 512 characters): what the statuses belong to when the
   * send's answer, and so its wamid, was never stored.
   */
  readonly callbackData?: string
}

/** Too many calls for the number or the app (codes 4, 80007, 130429, 131048), retries exhausted. */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  code: Schema.Number,
  message: Schema.String
}) {}

/** This person was sent too much too fast (131056), per-recipient back-off exhausted. */
export class PairRateLimited extends Schema.TaggedError<PairRateLimited>()("PairRateLimited", {
  message: Schema.String
}) {}

/**
 * More than 24 h since the person last wrote (131047): only a template goes through until they
 * write again.
 */
export class OutsideCustomerServiceWindow extends Schema.TaggedError<OutsideCustomerServiceWindow>()(
  "OutsideCustomerServiceWindow",
  { message: Schema.String }
) {}

/** The message breaks one of Meta's limits; found before sending, so nothing was sent. */
export class InvalidMessage extends Schema.TaggedError<InvalidMessage>()("InvalidMessage", {
  violations: Schema.Array(Schema.Struct({ path: Schema.String, rule: Schema.String }))
}) {
  override get message(): string {
    return this.violations.map((violation) => `${violation.path}: ${violation.rule}`).join("; ")
  }
}

/** WhatsApp will not deliver to this person (131026: no WhatsApp, old app, blocked the business). */
export class Undeliverable extends Schema.TaggedError<Undeliverable>()("Undeliverable", {
  code: Schema.Number,
  message: Schema.String
}) {}

/** The access token is expired or invalid (190): an operator must act; never retried. */
export class AuthenticationFailed extends Schema.TaggedError<AuthenticationFailed>()("AuthenticationFailed", {
  message: Schema.String
}) {}

/** Meta refused a parameter (100): a bug on our side; never retried. */
export class InvalidParameter extends Schema.TaggedError<InvalidParameter>()("InvalidParameter", {
  message: Schema.String,
  details: Schema.optional(Schema.String)
}) {}

/** Meta refused the message for another reason (template mismatch, unsupported for user ids...). */
export class MessageRejected extends Schema.TaggedError<MessageRejected>()("MessageRejected", {
  code: Schema.Number,
  message: Schema.String,
  details: Schema.optional(Schema.String)
}) {}

/** WhatsApp could not be reached or answered 5xx, retries exhausted. */
export class MessengerUnavailable extends Schema.TaggedError<MessengerUnavailable>()("MessengerUnavailable", {
  message: Schema.String
}) {}

export type SendError =
  | RateLimited
  | PairRateLimited
  | OutsideCustomerServiceWindow
  | InvalidMessage
  | Undeliverable
  | AuthenticationFailed
  | InvalidParameter
  | MessageRejected
  | MessengerUnavailable

export type MarkReadError = RateLimited | AuthenticationFailed | InvalidParameter | MessageRejected | MessengerUnavailable

export type UploadError = RateLimited | AuthenticationFailed | InvalidParameter | MessageRejected | MessengerUnavailable

export interface MessengerService {
  /** Sends one message; answers WhatsApp's id of it (the key of its delivery statuses). */
  readonly send: (
    recipient: Recipient,
    message: OutgoingMessage,
    options?: SendOptions
  ) => Effect.Effect<WhatsAppMessageId, SendError>
  /** Marks an inbound message read and shows the typing indicator until our reply. */
  readonly markRead: (messageId: string) => Effect.Effect<void, MarkReadError>
  /** Uploads media for later sends (ids live 30 days); answers the media id. */
  readonly uploadMedia: (bytes: Uint8Array, mimeType: string) => Effect.Effect<string, UploadError>
}

export class Messenger extends Context.Tag("whatsapp-astria-bot/Messenger")<Messenger, MessengerService>() {}

/** Where a recipient's messages are recorded and paced: the user id when known, else the phone. */
export const recipientKey = (recipient: Recipient): string =>
  recipient.userId !== undefined ? `user:${recipient.userId}` : `wa:${recipient.waId}`
