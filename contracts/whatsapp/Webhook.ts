import { Effect, ParseResult, Schema } from "effect"
import { WebhookErrorDetail } from "./GraphError.js"
import { Text, WireId } from "./WireText.js"

/**
 * The WhatsApp Cloud API webhook as Meta posts it. Every level is an array and a correct receiver
 * loops over all of them. Unknown fields are ignored; unknown message types decode as
 * `OtherMessage` and unknown change fields as `OtherChange`, so a new Meta feature never turns
 * into a 500 that Meta would retry for 7 days.
 */

/** The last second of the year 9999: later is no time a message was sent, nor one a Date holds. */
export const maxUnixSeconds = 253_402_300_799

/** Unix seconds as a string, as Meta sends them, within the years a timestamp can be stored. */
export const UnixSecondsString = Schema.String.pipe(
  Schema.pattern(/^\d{1,12}$/),
  Schema.filter((seconds) => Number(seconds) <= maxUnixSeconds, { message: () => "Unix seconds before the year 10000" })
)

export const Profile = Schema.Struct({
  name: Schema.optional(Text),
  username: Schema.optional(Text)
})

/** A sender: `wa_id` is absent for people who hide their number; `user_id` is business-scoped. */
export const Contact = Schema.Struct({
  profile: Schema.optional(Profile),
  wa_id: Schema.optional(WireId),
  user_id: Schema.optional(WireId),
  parent_user_id: Schema.optional(WireId)
})
export type Contact = typeof Contact.Type

export const MessageContext = Schema.Struct({
  from: Schema.optional(WireId),
  id: Schema.optional(WireId),
  forwarded: Schema.optional(Schema.Boolean),
  frequently_forwarded: Schema.optional(Schema.Boolean)
})

export const Referral = Schema.Struct({
  source_url: Schema.optional(Text),
  source_id: Schema.optional(Text),
  source_type: Schema.optional(Text),
  headline: Schema.optional(Text),
  body: Schema.optional(Text),
  ctwa_clid: Schema.optional(Text)
})

const messageFields = {
  /** The sender's phone number; absent for phone-less users. */
  from: Schema.optional(WireId),
  /** The sender's business-scoped user id. */
  from_user_id: Schema.optional(WireId),
  id: WireId,
  timestamp: UnixSecondsString,
  context: Schema.optional(MessageContext),
  referral: Schema.optional(Referral),
  errors: Schema.optional(Schema.Array(WebhookErrorDetail))
}

export const MediaPayload = Schema.Struct({
  id: WireId,
  mime_type: Text,
  /** Base64 SHA-256 of the file. */
  sha256: Schema.optional(Text),
  caption: Schema.optional(Text)
})

export const TextMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("text"),
  text: Schema.Struct({ body: Text })
})

export const ImageMessage = Schema.Struct({ ...messageFields, type: Schema.Literal("image"), image: MediaPayload })
export const VideoMessage = Schema.Struct({ ...messageFields, type: Schema.Literal("video"), video: MediaPayload })
export const AudioMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("audio"),
  audio: Schema.Struct({ ...MediaPayload.fields, voice: Schema.optional(Schema.Boolean) })
})
export const StickerMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("sticker"),
  sticker: Schema.Struct({ ...MediaPayload.fields, animated: Schema.optional(Schema.Boolean) })
})
export const DocumentMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("document"),
  document: Schema.Struct({ ...MediaPayload.fields, filename: Schema.optional(Text) })
})

export const ButtonReply = Schema.Struct({
  type: Schema.Literal("button_reply"),
  button_reply: Schema.Struct({ id: Text, title: Text })
})
export const ListReply = Schema.Struct({
  type: Schema.Literal("list_reply"),
  list_reply: Schema.Struct({ id: Text, title: Text, description: Schema.optional(Text) })
})
/** The person's answer to our request for permission to call them ("accept" or "reject"). */
export const CallPermissionReply = Schema.Struct({
  type: Schema.Literal("call_permission_reply"),
  call_permission_reply: Schema.Struct({
    response: Text,
    is_permanent: Schema.optional(Schema.Boolean),
    expiration_timestamp: Schema.optional(Schema.Finite),
    response_source: Schema.optional(Text)
  })
})
/** A completed WhatsApp Flow. */
export const FlowReply = Schema.Struct({
  type: Schema.Literal("nfm_reply"),
  nfm_reply: Schema.Struct({
    response_json: Text,
    body: Schema.optional(Text),
    name: Schema.optional(Text)
  })
})
export const InteractiveMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("interactive"),
  interactive: Schema.Union(ButtonReply, ListReply, FlowReply, CallPermissionReply)
})

/** A tap on a template's quick-reply button. */
export const ButtonMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("button"),
  button: Schema.Struct({ payload: Text, text: Text })
})

export const LocationMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("location"),
  location: Schema.Struct({
    latitude: Schema.Finite,
    longitude: Schema.Finite,
    name: Schema.optional(Text),
    address: Schema.optional(Text),
    url: Schema.optional(Text)
  })
})

/** A removed reaction has an empty or missing emoji. */
export const ReactionMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("reaction"),
  reaction: Schema.Struct({ message_id: WireId, emoji: Schema.optional(Text) })
})

export const ContactsMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("contacts"),
  contacts: Schema.Array(
    Schema.Struct({
      name: Schema.optional(Schema.Struct({ formatted_name: Schema.optional(Text) })),
      phones: Schema.optional(
        Schema.Array(Schema.Struct({ phone: Schema.optional(Text), wa_id: Schema.optional(Text) }))
      )
    })
  )
})

export const OrderMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("order"),
  order: Schema.Struct({
    catalog_id: Schema.optional(Text),
    text: Schema.optional(Text),
    product_items: Schema.optional(
      Schema.Array(
        Schema.Struct({
          product_retailer_id: Text,
          quantity: Schema.Finite,
          item_price: Schema.Finite,
          currency: Text
        })
      )
    )
  })
})

/**
 * System messages; `user_changed_number` carries the new number (`new_wa_id`, `wa_id` in older
 * versions) and, for business-scoped ids, the user id that stays.
 */
export const SystemMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("system"),
  system: Schema.Struct({
    body: Schema.optional(Text),
    type: Schema.optional(Text),
    new_wa_id: Schema.optional(WireId),
    wa_id: Schema.optional(WireId),
    user_id: Schema.optional(WireId),
    customer: Schema.optional(Text)
  }),
  /** With `customer_identity_changed`: the person's new security code, as a hash. */
  identity: Schema.optional(
    Schema.Struct({
      acknowledged: Schema.optional(Schema.Boolean),
      created_timestamp: Schema.optional(Text),
      hash: Schema.optional(Text)
    })
  )
})

/** The person deleted a message they had sent (`original_message_id`). */
export const RevokeMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("revoke"),
  revoke: Schema.Struct({ original_message_id: Schema.optional(WireId) })
})

/**
 * The person edited a message they had sent: `message` is its new content (a text's new body, a
 * media message's new caption).
 */
export const EditMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("edit"),
  edit: Schema.Struct({
    original_message_id: Schema.optional(WireId),
    message: Schema.Struct({
      type: Text,
      text: Schema.optional(Schema.Struct({ body: Text })),
      image: Schema.optional(Schema.Struct({ caption: Schema.optional(Text) })),
      video: Schema.optional(Schema.Struct({ caption: Schema.optional(Text) })),
      document: Schema.optional(Schema.Struct({ caption: Schema.optional(Text) }))
    })
  })
})

/** Meta's notice that something about a message went wrong on its side (`errors` says what). */
export const ErrorsMessage = Schema.Struct({ ...messageFields, type: Schema.Literal("errors") })

/** Meta could not render it for us (code 131051), e.g. a poll or a view-once message. */
export const UnsupportedMessage = Schema.Struct({ ...messageFields, type: Schema.Literal("unsupported") })

/**
 * Any type Meta adds later, or a known type whose payload does not match: kept (the union tries the
 * known shapes first) so the webhook is still acknowledged and the person answered politely.
 */
export const OtherMessage = Schema.Struct({ ...messageFields, type: Text })

export const InboundMessage = Schema.Union(
  TextMessage,
  ImageMessage,
  VideoMessage,
  AudioMessage,
  StickerMessage,
  DocumentMessage,
  InteractiveMessage,
  ButtonMessage,
  LocationMessage,
  ReactionMessage,
  ContactsMessage,
  OrderMessage,
  SystemMessage,
  RevokeMessage,
  EditMessage,
  ErrorsMessage,
  UnsupportedMessage,
  OtherMessage
)
export type InboundMessage = typeof InboundMessage.Type

export const StatusValue = Schema.Literal("sent", "delivered", "read", "failed")
export type StatusValue = typeof StatusValue.Type

export const MessageStatus = Schema.Struct({
  /** The wamid of the message we sent. */
  id: WireId,
  /** Kept as a string: an unknown status must not fail the whole webhook. */
  status: Text,
  timestamp: UnixSecondsString,
  recipient_id: Schema.optional(WireId),
  recipient_user_id: Schema.optional(WireId),
  /** What we sent the message with, handed back (on sent, delivered and read). */
  biz_opaque_callback_data: Schema.optional(Text),
  conversation: Schema.optional(
    Schema.Struct({
      id: Schema.optional(Text),
      expiration_timestamp: Schema.optional(Text),
      origin: Schema.optional(Schema.Struct({ type: Schema.optional(Text) }))
    })
  ),
  pricing: Schema.optional(
    Schema.Struct({
      billable: Schema.optional(Schema.Boolean),
      pricing_model: Schema.optional(Text),
      category: Schema.optional(Text),
      type: Schema.optional(Text)
    })
  ),
  errors: Schema.optional(Schema.Array(WebhookErrorDetail))
})
export type MessageStatus = typeof MessageStatus.Type

export const Metadata = Schema.Struct({
  display_phone_number: Text,
  phone_number_id: WireId
})

/** A `messages` change: messages (with contacts), statuses, or value-level errors. */
export const MessagesValue = Schema.Struct({
  messaging_product: Schema.Literal("whatsapp"),
  metadata: Metadata,
  contacts: Schema.optional(Schema.Array(Contact)),
  messages: Schema.optional(Schema.Array(InboundMessage)),
  statuses: Schema.optional(Schema.Array(MessageStatus)),
  errors: Schema.optional(Schema.Array(WebhookErrorDetail))
})
export type MessagesValue = typeof MessagesValue.Type

export const MessagesChange = Schema.Struct({ field: Schema.Literal("messages"), value: MessagesValue })

/** Other subscribed fields (template status, account updates...): acknowledged, not interpreted. */
export const OtherChange = Schema.Struct({
  field: Schema.String.pipe(Schema.filter((field) => field !== "messages")),
  value: Schema.Unknown
})

export const Change = Schema.Union(MessagesChange, OtherChange)
export type Change = typeof Change.Type

export const Entry = Schema.Struct({ id: Text, changes: Schema.Array(Change) })

export const WebhookEnvelope = Schema.Struct({
  object: Schema.Literal("whatsapp_business_account"),
  entry: Schema.Array(Entry)
})
export type WebhookEnvelope = typeof WebhookEnvelope.Type
export type WebhookEnvelopeEncoded = typeof WebhookEnvelope.Encoded

/** The body bytes as JSON, then the envelope. */
export const WebhookEnvelopeFromJson = Schema.parseJson(WebhookEnvelope)

/** The body was not a webhook we understand; `reason` is the Schema's explanation. */
export class WebhookDecodeError extends Schema.TaggedError<WebhookDecodeError>()("WebhookDecodeError", {
  reason: Schema.String
}) {}

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** Decodes the exact bytes received (after their signature was checked). */
export const decodeWebhook = (body: Uint8Array | string): Effect.Effect<WebhookEnvelope, WebhookDecodeError> =>
  Effect.try({
    try: () => (typeof body === "string" ? body : utf8.decode(body)),
    catch: () => new WebhookDecodeError({ reason: "the body is not UTF-8" })
  }).pipe(
    Effect.flatMap(Schema.decodeUnknown(WebhookEnvelopeFromJson, { errors: "first" })),
    Effect.catchTag("ParseError", (error) =>
      Effect.fail(new WebhookDecodeError({ reason: ParseResult.TreeFormatter.formatErrorSync(error) }))
    )
  )
