import { Schema } from "effect"

/**
 * Send bodies and responses of `POST /{version}/{phone-number-id}/messages` and the media
 * endpoints, with Meta's limits as filters: the adapter validates before sending and the fake
 * Graph API refuses the same bodies with error 100, as Meta does.
 */

const text = (max: number) => Schema.String.pipe(Schema.minLength(1), Schema.maxLength(max))

export const MessageContextRef = Schema.Struct({ message_id: Schema.String })

/**
 * `to` is a phone number, `recipient` a business-scoped user id (phone-less users); when both
 * are present Meta uses `to`.
 */
const addressing = {
  messaging_product: Schema.Literal("whatsapp"),
  recipient_type: Schema.optional(Schema.Literal("individual")),
  to: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  recipient: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  context: Schema.optional(MessageContextRef),
  /** Returned with the message's sent, delivered and read statuses; Meta does not read it. */
  biz_opaque_callback_data: Schema.optional(text(512))
}

const mediaSource = {
  id: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  link: Schema.optional(Schema.String.pipe(Schema.pattern(/^https?:\/\//)))
}
const caption = Schema.optional(Schema.String.pipe(Schema.maxLength(1024)))

/** A media object names its file by uploaded `id` or public `link`, never both. */
const oneSource = (media: { readonly id?: string | undefined; readonly link?: string | undefined }): boolean =>
  (media.id === undefined) !== (media.link === undefined)
const oneSourceMessage = { message: () => "a media object needs exactly one of id and link" }

export const ImageObject = Schema.Struct({ ...mediaSource, caption }).pipe(Schema.filter(oneSource, oneSourceMessage))
export const VideoObject = ImageObject
export const AudioObject = Schema.Struct(mediaSource).pipe(Schema.filter(oneSource, oneSourceMessage))
export const StickerObject = AudioObject
export const DocumentObject = Schema.Struct({
  ...mediaSource,
  caption,
  filename: Schema.optional(Schema.String.pipe(Schema.maxLength(240)))
}).pipe(Schema.filter(oneSource, oneSourceMessage))

export const TextBody = Schema.Struct({
  ...addressing,
  type: Schema.Literal("text"),
  text: Schema.Struct({ body: text(4096), preview_url: Schema.optional(Schema.Boolean) })
})
export const ImageBody = Schema.Struct({ ...addressing, type: Schema.Literal("image"), image: ImageObject })
export const VideoBody = Schema.Struct({ ...addressing, type: Schema.Literal("video"), video: VideoObject })
export const AudioBody = Schema.Struct({ ...addressing, type: Schema.Literal("audio"), audio: AudioObject })
export const StickerBody = Schema.Struct({ ...addressing, type: Schema.Literal("sticker"), sticker: StickerObject })
export const DocumentBody = Schema.Struct({ ...addressing, type: Schema.Literal("document"), document: DocumentObject })

/** An empty emoji removes the reaction. */
export const ReactionBody = Schema.Struct({
  ...addressing,
  type: Schema.Literal("reaction"),
  reaction: Schema.Struct({ message_id: Schema.String.pipe(Schema.minLength(1)), emoji: Schema.String })
})

export const TextHeader = Schema.Struct({ type: Schema.Literal("text"), text: text(60) })
export const Footer = Schema.Struct({ text: text(60) })

const unique = <A>(key: (a: A) => string) => (items: ReadonlyArray<A>): boolean =>
  new Set(items.map(key)).size === items.length

export const ReplyButton = Schema.Struct({
  type: Schema.Literal("reply"),
  reply: Schema.Struct({ id: text(256), title: text(20) })
})

export const ButtonInteractive = Schema.Struct({
  type: Schema.Literal("button"),
  header: Schema.optional(TextHeader),
  body: Schema.Struct({ text: text(1024) }),
  footer: Schema.optional(Footer),
  action: Schema.Struct({
    buttons: Schema.Array(ReplyButton).pipe(
      Schema.minItems(1),
      Schema.maxItems(3),
      Schema.filter(unique((button: typeof ReplyButton.Type) => button.reply.id), { message: () => "button ids must be unique" }),
      Schema.filter(unique((button: typeof ReplyButton.Type) => button.reply.title), { message: () => "button titles must be unique" })
    )
  })
})

export const ListRow = Schema.Struct({
  id: text(200),
  title: text(24),
  description: Schema.optional(Schema.String.pipe(Schema.maxLength(72)))
})
export const ListSection = Schema.Struct({
  title: Schema.optional(text(24)),
  rows: Schema.Array(ListRow).pipe(Schema.minItems(1))
})

export const ListInteractive = Schema.Struct({
  type: Schema.Literal("list"),
  header: Schema.optional(TextHeader),
  body: Schema.Struct({ text: text(4096) }),
  footer: Schema.optional(Footer),
  action: Schema.Struct({
    button: text(20),
    sections: Schema.Array(ListSection).pipe(
      Schema.minItems(1),
      Schema.maxItems(10),
      Schema.filter((sections) => sections.reduce((n, section) => n + section.rows.length, 0) <= 10, {
        message: () => "a list has at most 10 rows in all"
      }),
      Schema.filter((sections) => sections.length === 1 || sections.every((section) => section.title !== undefined), {
        message: () => "every section needs a title when there are several"
      }),
      Schema.filter(
        (sections) => {
          const ids = sections.flatMap((section) => section.rows.map((row) => row.id))
          return new Set(ids).size === ids.length
        },
        { message: () => "row ids must be unique" }
      )
    )
  })
})

export const CtaUrlInteractive = Schema.Struct({
  type: Schema.Literal("cta_url"),
  header: Schema.optional(TextHeader),
  body: Schema.Struct({ text: text(1024) }),
  footer: Schema.optional(Footer),
  action: Schema.Struct({
    name: Schema.Literal("cta_url"),
    parameters: Schema.Struct({
      display_text: text(20),
      url: Schema.String.pipe(Schema.pattern(/^https?:\/\/\S+$/))
    })
  })
})

export const Interactive = Schema.Union(ButtonInteractive, ListInteractive, CtaUrlInteractive)

export const InteractiveBody = Schema.Struct({
  ...addressing,
  type: Schema.Literal("interactive"),
  interactive: Interactive
})

export const TemplateParameter = Schema.Union(
  Schema.Struct({ type: Schema.Literal("text"), text: Schema.String.pipe(Schema.minLength(1)) }),
  Schema.Struct({ type: Schema.Literal("payload"), payload: Schema.String }),
  Schema.Struct({ type: Schema.Literal("image"), image: ImageObject }),
  Schema.Struct({ type: Schema.Literal("document"), document: DocumentObject }),
  Schema.Struct({ type: Schema.Literal("video"), video: VideoObject })
)

/** `components` is a list: one entry per part of the template (header, body, buttons). */
export const TemplateComponent = Schema.Struct({
  type: Schema.String,
  sub_type: Schema.optional(Schema.String),
  index: Schema.optional(Schema.Union(Schema.String, Schema.Number)),
  parameters: Schema.Array(TemplateParameter)
})

export const TemplateBody = Schema.Struct({
  ...addressing,
  type: Schema.Literal("template"),
  template: Schema.Struct({
    name: text(512),
    language: Schema.Struct({ code: Schema.String.pipe(Schema.minLength(2)), policy: Schema.optional(Schema.String) }),
    components: Schema.optional(Schema.Array(TemplateComponent))
  })
})

export const SendMessageBody = Schema.Union(
  TextBody,
  ImageBody,
  VideoBody,
  AudioBody,
  StickerBody,
  DocumentBody,
  ReactionBody,
  InteractiveBody,
  TemplateBody
).pipe(
  Schema.filter((body) => body.to !== undefined || body.recipient !== undefined, {
    message: () => "a message needs `to` or `recipient`"
  })
)
export type SendMessageBody = typeof SendMessageBody.Type

export const SendMessageResponse = Schema.Struct({
  messaging_product: Schema.Literal("whatsapp"),
  contacts: Schema.optional(
    Schema.Array(
      Schema.Struct({
        input: Schema.String,
        wa_id: Schema.optional(Schema.String),
        user_id: Schema.optional(Schema.String)
      })
    )
  ),
  messages: Schema.NonEmptyArray(
    Schema.Struct({ id: Schema.String, message_status: Schema.optional(Schema.String) })
  )
})
export type SendMessageResponse = typeof SendMessageResponse.Type

/** Read receipt, with the typing indicator shown until our reply (or 25 s). */
export const MarkReadBody = Schema.Struct({
  messaging_product: Schema.Literal("whatsapp"),
  status: Schema.Literal("read"),
  message_id: Schema.String.pipe(Schema.minLength(1)),
  typing_indicator: Schema.optional(Schema.Struct({ type: Schema.Literal("text") }))
})
export type MarkReadBody = typeof MarkReadBody.Type

export const SuccessResponse = Schema.Struct({ success: Schema.Boolean })

/** Answer of a multipart upload to `/{phone-number-id}/media`. */
export const MediaUploadResponse = Schema.Struct({ id: Schema.String })

/** Answer of `GET /{media-id}`; the URL is valid for 5 minutes. */
export const MediaLookupResponse = Schema.Struct({
  messaging_product: Schema.Literal("whatsapp"),
  url: Schema.String,
  mime_type: Schema.String,
  sha256: Schema.String,
  /** A string in Meta's answers; accepted as a number too. */
  file_size: Schema.Union(Schema.NumberFromString, Schema.Number),
  id: Schema.String
})
export type MediaLookupResponse = typeof MediaLookupResponse.Type

/** Meta's size limits per media kind (bytes). */
export const mediaSizeLimits = {
  image: 5 * 1024 * 1024,
  video: 16 * 1024 * 1024,
  audio: 16 * 1024 * 1024,
  document: 100 * 1024 * 1024,
  sticker: 500 * 1024
} as const
