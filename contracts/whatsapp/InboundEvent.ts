import { DateTime, Schema } from "effect"
import type { WebhookErrorDetail } from "./GraphError.js"
import type { Change, Contact, InboundMessage, MessageStatus, MessagesChange, WebhookEnvelope } from "./Webhook.js"
import { StatusValue } from "./Webhook.js"

/**
 * The webhook as the rest of the bot consumes it: one event per message, status or error, in
 * the order Meta listed them, independent of Meta's nesting.
 */

/** Who a person is on WhatsApp: a phone number, a business-scoped user id, or both. */
export const WhatsAppIdentity = Schema.Struct({
  waId: Schema.optional(Schema.String),
  userId: Schema.optional(Schema.String),
  profileName: Schema.optional(Schema.String),
  username: Schema.optional(Schema.String)
})
export type WhatsAppIdentity = typeof WhatsAppIdentity.Type

/** Fields of every message event. */
const inbound = {
  /** The wamid: the key of deduplication. */
  messageId: Schema.String,
  timestamp: Schema.DateTimeUtc,
  sender: WhatsAppIdentity,
  /** Which of our numbers received it. */
  phoneNumberId: Schema.String,
  /** The message this one answers or quotes (`context.id`), if any. */
  replyTo: Schema.optional(Schema.String)
}

export const TextReceived = Schema.TaggedStruct("Text", {
  ...inbound,
  body: Schema.String,
  /** For an edited text: the wamid of the message whose body this replaces. */
  edits: Schema.optional(Schema.String)
})

/** An image, or a document whose mime type is an image (HEIC, full-quality JPEG). */
export const PhotoReceived = Schema.TaggedStruct("Photo", {
  ...inbound,
  mediaId: Schema.String,
  mimeType: Schema.String,
  /** Base64 SHA-256 as Meta announced it. */
  sha256: Schema.optional(Schema.String),
  caption: Schema.optional(Schema.String),
  sentAs: Schema.Literal("image", "document"),
  filename: Schema.optional(Schema.String)
})

export const ButtonReplyReceived = Schema.TaggedStruct("ButtonReply", {
  ...inbound,
  buttonId: Schema.String,
  title: Schema.String
})

export const ListReplyReceived = Schema.TaggedStruct("ListReply", {
  ...inbound,
  rowId: Schema.String,
  title: Schema.String,
  description: Schema.optional(Schema.String)
})

/** A tap on a template's quick-reply button (e.g. the re-engagement template). */
export const TemplateButtonReceived = Schema.TaggedStruct("TemplateButton", {
  ...inbound,
  payload: Schema.String,
  text: Schema.String
})

/** `emoji` is absent when the person removed their reaction. */
export const ReactionReceived = Schema.TaggedStruct("Reaction", {
  ...inbound,
  toMessageId: Schema.String,
  emoji: Schema.optional(Schema.String)
})

export const LocationReceived = Schema.TaggedStruct("Location", {
  ...inbound,
  latitude: Schema.Number,
  longitude: Schema.Number,
  name: Schema.optional(Schema.String),
  address: Schema.optional(Schema.String)
})

/** Anything the person sent that the bot cannot use (audio, video, stickers, contacts, polls...): answered politely. */
export const UnsupportedReceived = Schema.TaggedStruct("Unsupported", {
  ...inbound,
  /** Meta's `type` ("audio", "sticker", "unsupported", ...). */
  messageType: Schema.String,
  /** Meta's error code when it could not render the message (131051). */
  errorCode: Schema.optional(Schema.Number)
})

/** The person moved to another phone number; `sender` is the identity before the change. */
export const NumberChanged = Schema.TaggedStruct("NumberChanged", {
  ...inbound,
  newWaId: Schema.optional(Schema.String),
  newUserId: Schema.optional(Schema.String)
})

/**
 * What Meta posts among messages although the person wrote nothing to answer: a deleted message
 * (`revoke`), an edit of something other than a text, a changed security code, Meta's notice of
 * an error, an answer to a call permission request. Acknowledged without a reply.
 */
export const NoticeReceived = Schema.TaggedStruct("Notice", {
  ...inbound,
  kind: Schema.Literal("revoke", "edit", "identity_changed", "errors", "call_permission_reply"),
  /** The wamid of the message it is about (the deleted or edited one), if Meta names it. */
  about: Schema.optional(Schema.String),
  /** Meta's error code, for `errors`. */
  errorCode: Schema.optional(Schema.Number)
})

/** Meta's schema makes `code` optional: a failure without one is still a failure. */
export const StatusError = Schema.Struct({
  code: Schema.optional(Schema.Number),
  title: Schema.optional(Schema.String),
  details: Schema.optional(Schema.String)
})
export type StatusError = typeof StatusError.Type

/**
 * What happened to a message we sent. Statuses arrive out of order and `delivered` may be
 * skipped: never move a stored status backwards (see `statusRank`).
 */
export const DeliveryStatus = Schema.TaggedStruct("DeliveryStatus", {
  /** The wamid of our outbound message. */
  messageId: Schema.String,
  status: StatusValue,
  timestamp: Schema.DateTimeUtc,
  recipient: WhatsAppIdentity,
  phoneNumberId: Schema.String,
  errors: Schema.Array(StatusError),
  /** The `callbackData` the message was sent with, if any. */
  callbackData: Schema.optional(Schema.String)
})

/** A value-level error: Meta could not deliver webhooks or process something for this number. */
export const WebhookProblem = Schema.TaggedStruct("WebhookProblem", {
  phoneNumberId: Schema.String,
  code: Schema.optional(Schema.Number),
  title: Schema.optional(Schema.String),
  details: Schema.optional(Schema.String)
})

export const InboundEvent = Schema.Union(
  TextReceived,
  PhotoReceived,
  ButtonReplyReceived,
  ListReplyReceived,
  TemplateButtonReceived,
  ReactionReceived,
  LocationReceived,
  UnsupportedReceived,
  NumberChanged,
  NoticeReceived,
  DeliveryStatus,
  WebhookProblem
)
export type InboundEvent = typeof InboundEvent.Type

/** The events that are messages from a person (everything but statuses and problems). */
export type InboundMessageEvent = Exclude<InboundEvent, { readonly _tag: "DeliveryStatus" | "WebhookProblem" }>

/** Order of statuses; a stored status moves only to a higher rank. `failed` is final. */
export const statusRank: Record<StatusValue, number> = { sent: 1, delivered: 2, read: 3, failed: 4 }

/** Whether a status `next` may replace the stored `current`. */
export const statusAdvances = (current: StatusValue | undefined, next: StatusValue): boolean =>
  current === undefined || statusRank[next] > statusRank[current]

/**
 * The events are built from an envelope Schema has decoded already, so their constructors skip
 * validating it again (`make`'s second argument), which would cost about 25 µs per message.
 */
const fromDecodedWebhook = true

const fromUnixSeconds = (seconds: string): DateTime.Utc => DateTime.unsafeMake(Number(seconds) * 1000)

const definedOnly = <A extends Record<string, unknown>>(record: A): A =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as A

const contactOf = (
  contacts: ReadonlyArray<Contact>,
  waId: string | undefined,
  userId: string | undefined
): Contact | undefined =>
  contacts.find(
    (contact) =>
      (waId !== undefined && contact.wa_id === waId) || (userId !== undefined && contact.user_id === userId)
  ) ?? (contacts.length === 1 ? contacts[0] : undefined)

const senderOf = (message: InboundMessage, contacts: ReadonlyArray<Contact>): WhatsAppIdentity => {
  const contact = contactOf(contacts, message.from, message.from_user_id)
  return definedOnly({
    waId: message.from ?? contact?.wa_id,
    userId: message.from_user_id ?? contact?.user_id,
    profileName: contact?.profile?.name,
    username: contact?.profile?.username
  })
}

const isImageMime = (mime: string): boolean => mime.toLowerCase().startsWith("image/")

/** The event of one message, with the contacts of its change (for the sender's name). */
export const messageEvent = (
  message: InboundMessage,
  contacts: ReadonlyArray<Contact>,
  phoneNumberId: string
): InboundEvent => {
  const common = definedOnly({
    messageId: message.id,
    timestamp: fromUnixSeconds(message.timestamp),
    sender: senderOf(message, contacts),
    phoneNumberId,
    replyTo: message.context?.id
  })
  const unsupported = (): InboundEvent =>
    UnsupportedReceived.make(
      definedOnly({ ...common, messageType: message.type, errorCode: message.errors?.[0]?.code }),
      fromDecodedWebhook
    )
  const notice = (kind: typeof NoticeReceived.Type["kind"], about?: string): InboundEvent =>
    NoticeReceived.make(
      definedOnly({ ...common, kind, about, errorCode: message.errors?.[0]?.code }),
      fromDecodedWebhook
    )
  // Narrowing by `type` alone is not enough: OtherMessage's `type` is any string, so each case
  // also checks that the payload is there.
  if (message.type === "text" && "text" in message) {
    return TextReceived.make({ ...common, body: message.text.body }, fromDecodedWebhook)
  }
  if (message.type === "image" && "image" in message) {
    return PhotoReceived.make(
      definedOnly({
        ...common,
        mediaId: message.image.id,
        mimeType: message.image.mime_type,
        sha256: message.image.sha256,
        caption: message.image.caption,
        sentAs: "image" as const
      }),
      fromDecodedWebhook
    )
  }
  if (message.type === "document" && "document" in message && isImageMime(message.document.mime_type)) {
    return PhotoReceived.make(
      definedOnly({
        ...common,
        mediaId: message.document.id,
        mimeType: message.document.mime_type,
        sha256: message.document.sha256,
        caption: message.document.caption,
        sentAs: "document" as const,
        filename: message.document.filename
      }),
      fromDecodedWebhook
    )
  }
  if (message.type === "interactive" && "interactive" in message) {
    const interactive = message.interactive
    switch (interactive.type) {
      case "button_reply":
        return ButtonReplyReceived.make(
          {
            ...common,
            buttonId: interactive.button_reply.id,
            title: interactive.button_reply.title
          },
          fromDecodedWebhook
        )
      case "list_reply":
        return ListReplyReceived.make(
          definedOnly({
            ...common,
            rowId: interactive.list_reply.id,
            title: interactive.list_reply.title,
            description: interactive.list_reply.description
          }),
          fromDecodedWebhook
        )
      case "nfm_reply":
        return UnsupportedReceived.make({ ...common, messageType: "nfm_reply" }, fromDecodedWebhook)
      case "call_permission_reply":
        return notice("call_permission_reply")
    }
  }
  if (message.type === "button" && "button" in message) {
    return TemplateButtonReceived.make(
      { ...common, payload: message.button.payload, text: message.button.text },
      fromDecodedWebhook
    )
  }
  if (message.type === "reaction" && "reaction" in message) {
    const emoji = message.reaction.emoji
    return ReactionReceived.make(
      definedOnly({
        ...common,
        toMessageId: message.reaction.message_id,
        emoji: emoji === undefined || emoji.length === 0 ? undefined : emoji
      }),
      fromDecodedWebhook
    )
  }
  if (message.type === "location" && "location" in message) {
    return LocationReceived.make(
      definedOnly({
        ...common,
        latitude: message.location.latitude,
        longitude: message.location.longitude,
        name: message.location.name,
        address: message.location.address
      }),
      fromDecodedWebhook
    )
  }
  if (message.type === "system" && "system" in message && message.system.type === "user_changed_number") {
    return NumberChanged.make(
      definedOnly({
        ...common,
        newWaId: message.system.new_wa_id ?? message.system.wa_id,
        newUserId: message.system.user_id
      }),
      fromDecodedWebhook
    )
  }
  if (message.type === "system" && "system" in message && message.system.type === "customer_identity_changed") {
    return notice("identity_changed")
  }
  if (message.type === "revoke" && "revoke" in message) {
    return notice("revoke", message.revoke.original_message_id)
  }
  if (message.type === "edit" && "edit" in message) {
    const { message: edited, original_message_id: original } = message.edit
    // A text's new body is read as that text; a new caption changes nothing the bot uses.
    return edited.type === "text" && edited.text !== undefined
      ? TextReceived.make(definedOnly({ ...common, body: edited.text.body, edits: original }), fromDecodedWebhook)
      : notice("edit", original)
  }
  if (message.type === "errors") {
    return notice("errors")
  }
  return unsupported()
}

const statusErrors = (errors: ReadonlyArray<WebhookErrorDetail> | undefined) =>
  (errors ?? []).map((error) =>
    definedOnly({ code: error.code, title: error.title ?? error.message, details: error.error_data?.details })
  )

const isStatusValue = Schema.is(StatusValue)

/** The event of one status; none for a status value the bot does not know. */
export const statusEvent = (status: MessageStatus, phoneNumberId: string): ReadonlyArray<InboundEvent> =>
  // An unknown status value (Meta adds some now and then) carries nothing the bot acts on.
  isStatusValue(status.status)
    ? [
        DeliveryStatus.make(
          {
            messageId: status.id,
            status: status.status,
            timestamp: fromUnixSeconds(status.timestamp),
            recipient: definedOnly({ waId: status.recipient_id, userId: status.recipient_user_id }),
            phoneNumberId,
            errors: statusErrors(status.errors),
            ...(status.biz_opaque_callback_data === undefined ? {} : { callbackData: status.biz_opaque_callback_data })
          },
          fromDecodedWebhook
        )
      ]
    : []

/** The event of one value-level error. */
export const problemEvent = (error: WebhookErrorDetail, phoneNumberId: string): InboundEvent =>
  WebhookProblem.make(
    definedOnly({
      phoneNumberId,
      code: error.code,
      title: error.title ?? error.message,
      details: error.error_data?.details
    }),
    fromDecodedWebhook
  )

const valueEvents = (value: typeof MessagesChange.Type["value"]): ReadonlyArray<InboundEvent> => {
  const phoneNumberId = value.metadata.phone_number_id
  const contacts = value.contacts ?? []
  return [
    ...(value.errors ?? []).map((error) => problemEvent(error, phoneNumberId)),
    ...(value.messages ?? []).map((message) => messageEvent(message, contacts, phoneNumberId)),
    ...(value.statuses ?? []).flatMap((status) => statusEvent(status, phoneNumberId))
  ]
}

/** OtherChange's schema refuses the field "messages", so the field alone tells the two apart. */
const isMessagesChange = (change: Change): change is typeof MessagesChange.Type => change.field === "messages"

/** Every message, status and error of every entry and change, in Meta's order. */
export const normalizeWebhook = (envelope: WebhookEnvelope): ReadonlyArray<InboundEvent> =>
  envelope.entry.flatMap((entry) =>
    entry.changes.flatMap((change) => (isMessagesChange(change) ? valueEvents(change.value) : []))
  )
