import { Effect, Option, Schema } from "effect"
import { InboundEvent } from "../../contracts/whatsapp/InboundEvent.js"
import type { UserId } from "../../domain/ids.js"
import type { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { ConversationLine } from "../ports/AttentionItems.js"
import { InboundMessages, type HistoryMessage } from "../ports/InboundMessages.js"
import { OutboundMessages } from "../ports/OutboundMessages.js"

/** Enough for support to see what led to the request without reading the whole history. */
export const conversationLinesKept = 12
const maxLineLength = 500

const decodeInbound = Schema.decodeUnknownOption(InboundEvent)

const withCaption = (what: string, caption: string | undefined): string => (caption === undefined ? what : `${what} ${caption}`)

/** What the person sent, as support reads it: the words, or what kind of thing it was. */
const inboundText = (message: HistoryMessage): string =>
  Option.match(decodeInbound(message.payload), {
    onNone: () => `[${message.kind}]`,
    onSome: (event) => {
      switch (event._tag) {
        case "Text":
          return event.body
        case "Photo":
          return withCaption("[photo]", event.caption)
        case "ButtonReply":
        case "ListReply":
          return event.title
        case "TemplateButton":
          return event.text
        case "Reaction":
          return `[reaction ${event.emoji ?? "removed"}]`
        case "Location":
          return "[location]"
        case "Unsupported":
          return `[${event.messageType}]`
        case "NumberChanged":
          return "[changed number]"
        case "Notice":
          return `[${event.kind}]`
        case "DeliveryStatus":
        case "WebhookProblem":
          return `[${event._tag}]`
      }
    }
  })

/** What the bot said, as support reads it: the text with the choices it offered. */
const outboundText = (message: OutgoingMessage): string => {
  switch (message._tag) {
    case "Text":
      return message.body
    case "Buttons":
      return `${message.body} [${message.buttons.map((button) => button.title).join(" | ")}]`
    case "List":
      return `${message.body} [${message.sections.flatMap((section) => section.rows.map((row) => row.title)).join(" | ")}]`
    case "LinkButton":
      return `${message.body} [${message.label}]`
    case "Image":
      return withCaption("[image]", message.caption)
    case "Video":
      return withCaption("[video]", message.caption)
    case "Document":
      return withCaption(`[document ${message.filename}]`, message.caption)
    case "Reaction":
      return `[reaction ${message.emoji}]`
    case "Template":
      return `[template ${message.name}]`
  }
}

const line = (at: Date, from: ConversationLine["from"], text: string) =>
  new ConversationLine({ at, from, text: [...text].slice(0, maxLineLength).join("") })

/**
 * The last lines of a person's conversation, oldest first, from the stored history: what they sent
 * and what the bot queued for them. Kept with a help request, so support sees what the person saw.
 */
export const recentConversation = (userId: UserId, limit: number = conversationLinesKept) =>
  Effect.gen(function* () {
    const received = yield* Effect.flatMap(InboundMessages, (inbound) => inbound.recentForUser(userId, limit))
    const queued = yield* Effect.flatMap(OutboundMessages, (outbound) => outbound.listForUser(userId))
    const lines = [
      ...received.map((message) => line(message.receivedAt, "person", inboundText(message))),
      ...queued.slice(-limit).map((intent) => line(intent.createdAt, "bot", outboundText(intent.message)))
    ]
    // Stable: what the bot queued in one decision keeps its order.
    return lines.sort((a, b) => a.at.getTime() - b.at.getTime()).slice(-limit)
  })
