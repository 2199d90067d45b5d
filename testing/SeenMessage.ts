import type { SendMessageBody } from "../contracts/whatsapp/Send.js"

/** One message as the person sees it on their phone: its text, and what they can tap. */
export interface SeenMessage {
  readonly id: string
  readonly kind: "Text" | "Buttons" | "List" | "LinkButton" | "Image" | "Video" | "Document" | "Reaction" | "Template" | "Other"
  /** Body, caption, emoji or template name. */
  readonly text: string
  readonly buttons: ReadonlyArray<{ readonly id: string; readonly title: string }>
  readonly rows: ReadonlyArray<{ readonly id: string; readonly title: string; readonly description?: string | undefined }>
  /** A link button's URL, or a media link. */
  readonly url?: string
  /** An uploaded media's id. */
  readonly mediaId?: string
  /** For reactions: the message reacted to. */
  readonly reactsTo?: string
}

const media = (object: { readonly id?: string | undefined; readonly link?: string | undefined; readonly caption?: string | undefined }) => ({
  text: object.caption ?? "",
  ...(object.link === undefined ? {} : { url: object.link }),
  ...(object.id === undefined ? {} : { mediaId: object.id })
})

export const seenMessage = (id: string, body: SendMessageBody): SeenMessage => {
  const none = { buttons: [], rows: [] }
  switch (body.type) {
    case "text":
      return { id, kind: "Text", text: body.text.body, ...none }
    case "image":
      return { id, kind: "Image", ...none, ...media(body.image) }
    case "video":
      return { id, kind: "Video", ...none, ...media(body.video) }
    case "document":
      return { id, kind: "Document", ...none, ...media(body.document) }
    case "reaction":
      return { id, kind: "Reaction", text: body.reaction.emoji, reactsTo: body.reaction.message_id, ...none }
    case "template":
      return { id, kind: "Template", text: body.template.name, ...none }
    case "interactive": {
      const interactive = body.interactive
      switch (interactive.type) {
        case "button":
          return {
            id,
            kind: "Buttons",
            text: interactive.body.text,
            buttons: interactive.action.buttons.map((button) => button.reply),
            rows: []
          }
        case "list":
          return {
            id,
            kind: "List",
            text: interactive.body.text,
            buttons: [],
            rows: interactive.action.sections.flatMap((section) => section.rows)
          }
        case "cta_url":
          return {
            id,
            kind: "LinkButton",
            text: interactive.body.text,
            url: interactive.action.parameters.url,
            ...none
          }
      }
    }
  }
  return { id, kind: "Other", text: "", ...none }
}
