import { Schema } from "effect"
import type { OutgoingMessage } from "./OutgoingMessage.js"

/** The outgoing message model as a Schema, so stored intents decode back to exactly what was queued. */
const ReplyButton = Schema.Struct({ id: Schema.String, title: Schema.String })
const ListRow = Schema.Struct({ id: Schema.String, title: Schema.String, description: Schema.optional(Schema.String) })
const ListSection = Schema.Struct({ title: Schema.String, rows: Schema.Array(ListRow) })
const MediaRef = Schema.Union(
  Schema.TaggedStruct("Link", { url: Schema.String }),
  Schema.TaggedStruct("Uploaded", { mediaId: Schema.String })
)

export const OutgoingMessageSchema: Schema.Schema<OutgoingMessage> = Schema.Union(
  Schema.TaggedStruct("Text", { body: Schema.String }),
  Schema.TaggedStruct("Buttons", {
    body: Schema.String,
    buttons: Schema.Array(ReplyButton),
    header: Schema.optional(Schema.String),
    footer: Schema.optional(Schema.String)
  }),
  Schema.TaggedStruct("List", {
    body: Schema.String,
    buttonLabel: Schema.String,
    sections: Schema.Array(ListSection),
    header: Schema.optional(Schema.String),
    footer: Schema.optional(Schema.String)
  }),
  Schema.TaggedStruct("LinkButton", { body: Schema.String, label: Schema.String, url: Schema.String }),
  Schema.TaggedStruct("Image", { media: MediaRef, caption: Schema.optional(Schema.String) }),
  Schema.TaggedStruct("Video", { media: MediaRef, caption: Schema.optional(Schema.String) }),
  Schema.TaggedStruct("Document", { media: MediaRef, filename: Schema.String, caption: Schema.optional(Schema.String) }),
  Schema.TaggedStruct("Reaction", { toMessageId: Schema.String, emoji: Schema.String }),
  Schema.TaggedStruct("Template", {
    name: Schema.String,
    languageCode: Schema.String,
    bodyParameters: Schema.Array(Schema.String)
  })
)
