import { Schema } from "effect"
import type { SendMessageBody } from "../../contracts/whatsapp/Send.js"
import type { ReadReceipt, ReceivedMessage } from "../fakes/graph-api/FakeGraphApi.js"
import { seenMessage } from "../SeenMessage.js"

/**
 * What the simulator page shows of one person's chat: their own messages and the bot's, in order,
 * with reactions and read receipts folded onto the messages they are about, as a phone shows them.
 */

/** A WhatsApp id: country code and number, digits only. */
export const Phone = Schema.String.pipe(Schema.pattern(/^[1-9][0-9]{7,14}$/), Schema.brand("SimulatorPhone"))
export type Phone = typeof Phone.Type

export const PersonName = Schema.Trim.pipe(
  Schema.minLength(1),
  Schema.maxLength(40),
  Schema.pattern(/^[^\p{Cc}]*$/u, { message: () => "a name has no control characters" })
)

export const Person = Schema.Struct({ phone: Phone, name: Schema.String })
export type Person = typeof Person.Type

/** What the person sent through the simulator, as the webhook carried it. */
export interface SentByPerson {
  readonly id: string
  readonly at: number
  /** A reaction, an edit or a deletion is folded onto the message it is about (`target`). */
  readonly kind: "text" | "image" | "document" | "reply" | "location" | "sticker" | "audio" | "video" | "contact" | "reaction" | "edit" | "delete"
  readonly text: string
  readonly mediaId?: string
  readonly mimeType?: string
  readonly filename?: string
  readonly target?: string
}

/** A person of the simulator and what they sent. */
export interface Chat {
  readonly person: Person
  readonly sent: ReadonlyArray<SentByPerson>
}

const Choice = Schema.Struct({ id: Schema.String, title: Schema.String, description: Schema.optional(Schema.String) })

export const ChatItem = Schema.Struct({
  id: Schema.String,
  from: Schema.Literal("person", "bot"),
  at: Schema.Number,
  kind: Schema.Literal("text", "image", "video", "document", "buttons", "list", "link", "template", "reply", "location", "sticker", "audio", "contact", "other"),
  text: Schema.String,
  header: Schema.optional(Schema.String),
  footer: Schema.optional(Schema.String),
  buttons: Schema.Array(Choice),
  rows: Schema.Array(Choice),
  /** The label of a list's button, or of a link button. */
  actionLabel: Schema.optional(Schema.String),
  /** A link button's target (http or https only). */
  url: Schema.optional(Schema.String),
  /** Where the page loads the media from: the simulator's media route or the sender's link. */
  mediaSrc: Schema.optional(Schema.String),
  filename: Schema.optional(Schema.String),
  reactions: Schema.Array(Schema.String),
  /** For the person's messages: the bot has read it (blue ticks). */
  read: Schema.optional(Schema.Boolean),
  /** The person edited it (`text` is the newest version) or deleted it. */
  edited: Schema.optional(Schema.Boolean),
  deleted: Schema.optional(Schema.Boolean)
})
export type ChatItem = typeof ChatItem.Type

export const ChatView = Schema.Struct({
  person: Person,
  items: Schema.Array(ChatItem),
  /** The bot showed a typing indicator and has not answered yet. */
  typing: Schema.Boolean
})
export type ChatView = typeof ChatView.Type

/** WhatsApp hides a typing indicator after 25 seconds. */
const typingLifetimeMs = 25_000

export const mediaPath = (mediaId: string) => `/simulator/api/media/${encodeURIComponent(mediaId)}`

const isWebUrl = (url: string) => /^https?:\/\//i.test(url)

/** The parts of a send body that SeenMessage leaves out: header, footer, action label, file name. */
const extras = (body: SendMessageBody): Pick<ChatItem, "header" | "footer" | "actionLabel" | "filename"> => {
  if (body.type === "document" && body.document.filename !== undefined) return { filename: body.document.filename }
  if (body.type !== "interactive") return {}
  const interactive = body.interactive
  return {
    ...(interactive.header === undefined ? {} : { header: interactive.header.text }),
    ...(interactive.footer === undefined ? {} : { footer: interactive.footer.text }),
    ...(interactive.type === "list" ? { actionLabel: interactive.action.button } : {}),
    ...(interactive.type === "cta_url" ? { actionLabel: interactive.action.parameters.display_text } : {})
  }
}

const botKind = {
  Text: "text",
  Image: "image",
  Video: "video",
  Document: "document",
  Buttons: "buttons",
  List: "list",
  LinkButton: "link",
  Template: "template",
  Other: "other"
} as const

const botItem = (message: ReceivedMessage): ChatItem | undefined => {
  const seen = seenMessage(message.id, message.body)
  if (seen.kind === "Reaction") return undefined
  const mediaSrc =
    seen.mediaId !== undefined ? mediaPath(seen.mediaId) : seen.kind !== "LinkButton" && seen.url !== undefined && isWebUrl(seen.url) ? seen.url : undefined
  return {
    id: message.id,
    from: "bot",
    at: message.at,
    kind: botKind[seen.kind],
    text: seen.text,
    buttons: seen.buttons,
    rows: seen.rows.map((row) => (row.description === undefined ? { id: row.id, title: row.title } : { id: row.id, title: row.title, description: row.description })),
    ...(seen.kind === "LinkButton" && seen.url !== undefined && isWebUrl(seen.url) ? { url: seen.url } : {}),
    ...(mediaSrc === undefined ? {} : { mediaSrc }),
    ...extras(message.body),
    reactions: []
  }
}

type ShownKind = Exclude<SentByPerson["kind"], "reaction" | "edit" | "delete">

const personItem = (sent: SentByPerson & { readonly kind: ShownKind }): ChatItem => ({
  id: sent.id,
  from: "person",
  at: sent.at,
  kind: sent.kind,
  text: sent.text,
  buttons: [],
  rows: [],
  ...(sent.mediaId === undefined ? {} : { mediaSrc: mediaPath(sent.mediaId) }),
  ...(sent.filename === undefined ? {} : { filename: sent.filename }),
  reactions: [],
  read: false
})

/** Folds one person's two sides of the chat, the bot's reactions and read receipts into a view. */
export const chatView = (input: {
  readonly person: Person
  readonly sent: ReadonlyArray<SentByPerson>
  readonly received: ReadonlyArray<ReceivedMessage>
  readonly receipts: ReadonlyArray<ReadReceipt>
  readonly now: number
}): ChatView => {
  // A later reaction to the same message replaces the earlier one; an empty emoji removes it.
  // The bot reacts to the person's messages and the person to the bot's: the ids never collide.
  const reactions = new Map<string, string>()
  for (const message of input.received) {
    if (message.body.type === "reaction") reactions.set(message.body.reaction.message_id, message.body.reaction.emoji)
  }
  const edits = new Map<string, string>()
  const deleted = new Set<string>()
  const shown: Array<SentByPerson & { readonly kind: ShownKind }> = []
  for (const sent of input.sent) {
    if (sent.kind === "reaction" && sent.target !== undefined) reactions.set(sent.target, sent.text)
    else if (sent.kind === "edit" && sent.target !== undefined) edits.set(sent.target, sent.text)
    else if (sent.kind === "delete" && sent.target !== undefined) deleted.add(sent.target)
    else if (sent.kind !== "reaction" && sent.kind !== "edit" && sent.kind !== "delete") shown.push({ ...sent, kind: sent.kind })
  }
  const personView = (sent: SentByPerson & { readonly kind: ShownKind }): ChatItem => {
    const item = personItem(sent)
    if (deleted.has(sent.id)) {
      const { filename: _filename, mediaSrc: _mediaSrc, ...rest } = item
      return { ...rest, kind: "text", text: "You deleted this message", deleted: true }
    }
    const edited = edits.get(sent.id)
    return edited === undefined ? item : { ...item, text: edited, edited: true }
  }
  const read = new Set(input.receipts.map((receipt) => receipt.messageId))
  const typingFor = new Set(input.receipts.filter((receipt) => receipt.typingIndicator).map((receipt) => receipt.messageId))

  const withFolds = (item: ChatItem): ChatItem => {
    const emoji = reactions.get(item.id)
    return {
      ...item,
      reactions: emoji === undefined || emoji === "" ? [] : [emoji],
      ...(item.from === "person" ? { read: read.has(item.id) } : {})
    }
  }
  const bot = input.received.flatMap((message) => {
    const item = botItem(message)
    return item === undefined ? [] : [item]
  })
  // Stable: on the same millisecond the person's message comes first, since the bot answers it.
  const items = [...shown.map(personView), ...bot]
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.at - b.item.at || (a.item.from === b.item.from ? a.index - b.index : a.item.from === "person" ? -1 : 1))
    .map(({ item }) => withFolds(item))

  const lastSent = input.sent.at(-1)
  const answered = lastSent !== undefined && bot.some((item) => item.at >= lastSent.at)
  const typing = lastSent !== undefined && typingFor.has(lastSent.id) && !answered && input.now - lastSent.at < typingLifetimeMs
  return { person: input.person, items, typing }
}
