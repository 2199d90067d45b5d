import { Effect, ParseResult, Schema } from "effect"
import { WebhookErrorDetail } from "./GraphError.js"

/**
 * The WhatsApp Cloud API webhook as Meta posts it. Every level is an array and a correct receiver
 * loops over all of them. Unknown fields are ignored; unknown message types decode as
 * `OtherMessage` and unknown change fields as `OtherChange`, so a new Meta feature never turns
 * into a 500 that Meta would retry for 7 days.
 */

/** Unix seconds as a string, as Meta sends them. */
export const UnixSecondsString = Schema.String.pipe(Schema.pattern(/^\d+$/))

export const Profile = Schema.Struct({
  name: Schema.optional(Schema.String),
  username: Schema.optional(Schema.String)
})

/** A sender: `wa_id` is absent for people who hide their number; `user_id` is business-scoped. */
export const Contact = Schema.Struct({
  profile: Schema.optional(Profile),
  wa_id: Schema.optional(Schema.String),
  user_id: Schema.optional(Schema.String),
  parent_user_id: Schema.optional(Schema.String)
})
export type Contact = typeof Contact.Type

export const MessageContext = Schema.Struct({
  from: Schema.optional(Schema.String),
  id: Schema.optional(Schema.String),
  forwarded: Schema.optional(Schema.Boolean),
  frequently_forwarded: Schema.optional(Schema.Boolean)
})

export const Referral = Schema.Struct({
  source_url: Schema.optional(Schema.String),
  source_id: Schema.optional(Schema.String),
  source_type: Schema.optional(Schema.String),
  headline: Schema.optional(Schema.String),
  body: Schema.optional(Schema.String),
  ctwa_clid: Schema.optional(Schema.String)
})

const messageFields = {
  /** The sender's phone number; absent for phone-less users. */
  from: Schema.optional(Schema.String),
  /** The sender's business-scoped user id. */
  from_user_id: Schema.optional(Schema.String),
  id: Schema.String,
  timestamp: UnixSecondsString,
  context: Schema.optional(MessageContext),
  referral: Schema.optional(Referral),
  errors: Schema.optional(Schema.Array(WebhookErrorDetail))
}

export const MediaPayload = Schema.Struct({
  id: Schema.String,
  mime_type: Schema.String,
  /** Base64 SHA-256 of the file. */
  sha256: Schema.optional(Schema.String),
  caption: Schema.optional(Schema.String)
})

export const TextMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("text"),
  text: Schema.Struct({ body: Schema.String })
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
  document: Schema.Struct({ ...MediaPayload.fields, filename: Schema.optional(Schema.String) })
})

export const ButtonReply = Schema.Struct({
  type: Schema.Literal("button_reply"),
  button_reply: Schema.Struct({ id: Schema.String, title: Schema.String })
})
export const ListReply = Schema.Struct({
  type: Schema.Literal("list_reply"),
  list_reply: Schema.Struct({ id: Schema.String, title: Schema.String, description: Schema.optional(Schema.String) })
})
/** A completed WhatsApp Flow. */
export const FlowReply = Schema.Struct({
  type: Schema.Literal("nfm_reply"),
  nfm_reply: Schema.Struct({
    response_json: Schema.String,
    body: Schema.optional(Schema.String),
    name: Schema.optional(Schema.String)
  })
})
export const InteractiveMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("interactive"),
  interactive: Schema.Union(ButtonReply, ListReply, FlowReply)
})

/** A tap on a template's quick-reply button. */
export const ButtonMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("button"),
  button: Schema.Struct({ payload: Schema.String, text: Schema.String })
})

export const LocationMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("location"),
  location: Schema.Struct({
    latitude: Schema.Number,
    longitude: Schema.Number,
    name: Schema.optional(Schema.String),
    address: Schema.optional(Schema.String),
    url: Schema.optional(Schema.String)
  })
})

/** A removed reaction has an empty or missing emoji. */
export const ReactionMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("reaction"),
  reaction: Schema.Struct({ message_id: Schema.String, emoji: Schema.optional(Schema.String) })
})

export const ContactsMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("contacts"),
  contacts: Schema.Array(
    Schema.Struct({
      name: Schema.optional(Schema.Struct({ formatted_name: Schema.optional(Schema.String) })),
      phones: Schema.optional(
        Schema.Array(Schema.Struct({ phone: Schema.optional(Schema.String), wa_id: Schema.optional(Schema.String) }))
      )
    })
  )
})

export const OrderMessage = Schema.Struct({
  ...messageFields,
  type: Schema.Literal("order"),
  order: Schema.Struct({
    catalog_id: Schema.optional(Schema.String),
    text: Schema.optional(Schema.String),
    product_items: Schema.optional(
      Schema.Array(
        Schema.Struct({
          product_retailer_id: Schema.String,
          quantity: Schema.Number,
          item_price: Schema.Number,
          currency: Schema.String
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
    body: Schema.optional(Schema.String),
    type: Schema.optional(Schema.String),
    new_wa_id: Schema.optional(Schema.String),
    wa_id: Schema.optional(Schema.String),
    user_id: Schema.optional(Schema.String),
    customer: Schema.optional(Schema.String)
  })
})

/** Meta could not render it for us (code 131051), e.g. a poll or a view-once message. */
export const UnsupportedMessage = Schema.Struct({ ...messageFields, type: Schema.Literal("unsupported") })

/**
 * Any type Meta adds later, or a known type whose payload does not match: kept (the union tries the
 * known shapes first) so the webhook is still acknowledged and the person answered politely.
 */
export const OtherMessage = Schema.Struct({ ...messageFields, type: Schema.String })

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
  UnsupportedMessage,
  OtherMessage
)
export type InboundMessage = typeof InboundMessage.Type

export const StatusValue = Schema.Literal("sent", "delivered", "read", "failed")
export type StatusValue = typeof StatusValue.Type

export const MessageStatus = Schema.Struct({
  /** The wamid of the message we sent. */
  id: Schema.String,
  /** Kept as a string: an unknown status must not fail the whole webhook. */
  status: Schema.String,
  timestamp: UnixSecondsString,
  recipient_id: Schema.optional(Schema.String),
  recipient_user_id: Schema.optional(Schema.String),
  conversation: Schema.optional(
    Schema.Struct({
      id: Schema.optional(Schema.String),
      expiration_timestamp: Schema.optional(Schema.String),
      origin: Schema.optional(Schema.Struct({ type: Schema.optional(Schema.String) }))
    })
  ),
  pricing: Schema.optional(
    Schema.Struct({
      billable: Schema.optional(Schema.Boolean),
      pricing_model: Schema.optional(Schema.String),
      category: Schema.optional(Schema.String),
      type: Schema.optional(Schema.String)
    })
  ),
  errors: Schema.optional(Schema.Array(WebhookErrorDetail))
})
export type MessageStatus = typeof MessageStatus.Type

export const Metadata = Schema.Struct({
  display_phone_number: Schema.String,
  phone_number_id: Schema.String
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

export const Entry = Schema.Struct({ id: Schema.String, changes: Schema.Array(Change) })

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
