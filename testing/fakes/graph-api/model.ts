import type { Duration } from "effect"
import { Schema } from "effect"
import type { SendMessageBody } from "../../../contracts/whatsapp/Send.js"
import type { WebhookEnvelopeEncoded } from "../../../contracts/whatsapp/Webhook.js"

/** The fake Graph API's vocabulary: its options, the people it knows and what it records. */

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

export type InboundMessageEncoded = NonNullable<
  Extract<WebhookEnvelopeEncoded["entry"][number]["changes"][number], { readonly field: "messages" }>["value"]["messages"]
>[number]

/** What a person sends, without the fields the fake fills in (sender, id, timestamp). */
export type InboundDraft = DistributiveOmit<InboundMessageEncoded, "from" | "from_user_id" | "id" | "timestamp">

export interface FakeUser {
  /** Business-scoped user id; every user has one (generated when not given). */
  readonly userId: string
  /** Phone number; absent for people who hide theirs behind a username. */
  readonly waId?: string
  readonly name: string
  readonly username?: string
}

/** Who a control call is about: a phone number, a user id, or a user. */
export type UserRef = string | { readonly waId?: string; readonly userId?: string }

export interface ReceivedMessage {
  /** The wamid the fake answered. */
  readonly id: string
  readonly body: SendMessageBody
  /** Fake clock, ms. */
  readonly at: number
}

export interface SendAttempt {
  readonly at: number
  /** `to` or `recipient` as sent. */
  readonly address: string
  /** The Graph error code answered, or undefined when accepted. */
  readonly code?: number
}

export interface ReadReceipt {
  readonly messageId: string
  readonly typingIndicator: boolean
}

export interface MediaDownload {
  readonly mediaId: string
  readonly userAgent: string | undefined
  readonly status: number
}

export interface Fault {
  /** Graph error code to answer with. */
  readonly code: number
  /** How many matching sends get it (default 1). */
  readonly times?: number
  /** Only sends to this person (default: any). */
  readonly user?: UserRef
  /**
   * `sync`: refused in the HTTP answer (default). `status`: accepted with a wamid, then a
   * `failed` status webhook carrying the code, as Meta does for some errors.
   */
  readonly mode?: "sync" | "status"
  /** HTTP status of a synchronous refusal; Meta's varies for one code, so tests can vary it too. */
  readonly httpStatus?: number
}

export interface PostOptions {
  /** Deliver the same bytes this many times in all (Meta retries; duplicates are normal). */
  readonly times?: number
  readonly signature?: "valid" | "invalid" | "missing"
}

/** How a batch is laid out: several messages in one value, one change each, or one entry each. */
export type BatchLayout = "messages" | "changes" | "entries"

export interface FakeGraphApiOptions {
  readonly accessToken?: string
  readonly appSecret?: string
  readonly phoneNumberId?: string
  readonly displayPhoneNumber?: string
  readonly wabaId?: string
  readonly version?: string
  /** Where signed webhooks go; may be set later with `setWebhookTarget`. */
  readonly webhookUrl?: string
  /** Messages a second the number may send before 130429 (Meta's default: 80). */
  readonly throughputPerSecond?: number
  /** Pair rate: a burst, then one message per interval to the same person, else 131056. */
  readonly pairRate?: { readonly burst: number; readonly interval: Duration.DurationInput } | "off"
  /**
   * Refuse non-template messages to people who have not written in 24 h (131047), at once
   * (`sync`, default), as a later failed status (`status`), or not at all (`off`).
   */
  readonly customerServiceWindow?: "sync" | "status" | "off"
  readonly mediaUrlLifetime?: Duration.DurationInput
  /**
   * After each accepted send, post its `sent` and `delivered` statuses, as a phone online would
   * (with the send's `biz_opaque_callback_data`), again and again until answered 200, as Meta does.
   */
  readonly autoStatuses?: boolean
  /**
   * Keep people, what they received and media in this directory across restarts (the development
   * bot's data directory); by default nothing outlives the fake.
   */
  readonly dataDir?: string
}

/** Media registered by a test, e.g. to check that a download stops at a bound. */
export interface MediaSpec {
  readonly mimeType: string
  /** The body, as given; without it, `size` bytes of a fixed pattern. */
  readonly bytes?: Uint8Array
  readonly size?: number
  /** What the look-up's `file_size` says (default: the body's true size). */
  readonly declaredSize?: number
  /** `false` serves the body without a Content-Length header (default: with one). */
  readonly contentLength?: boolean
}

/** One accepted message, as it reaches a person's phone. */
export interface Delivery {
  readonly user: FakeUser
  readonly message: ReceivedMessage
}

export class WebhookPostError extends Schema.TaggedError<WebhookPostError>()("WebhookPostError", {
  reason: Schema.String
}) {}
