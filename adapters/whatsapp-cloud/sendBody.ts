import { Effect, Either, ParseResult, Schema } from "effect"
import type { Recipient, SendOptions } from "../../application/ports/Messenger.js"
import { InvalidMessage } from "../../application/ports/Messenger.js"
import { SendMessageBody } from "../../contracts/whatsapp/Send.js"
import { checkOutgoingMessage } from "../../domain/messages/limits.js"
import type { MediaRef, OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"

/** The Graph API body of one outgoing message. */

const media = (ref: MediaRef): { readonly id: string } | { readonly link: string } =>
  ref._tag === "Link" ? { link: ref.url } : { id: ref.mediaId }

const header = (text: string | undefined) => (text === undefined ? {} : { header: { type: "text" as const, text } })
const footer = (text: string | undefined) => (text === undefined ? {} : { footer: { text } })

type Payload = SendMessageBody extends infer Body
  ? Body extends unknown
    ? Omit<Body, "messaging_product" | "recipient_type" | "to" | "recipient" | "context">
    : never
  : never

const payload = (message: OutgoingMessage): Payload => {
  switch (message._tag) {
    case "Text":
      return { type: "text", text: { body: message.body, preview_url: /https?:\/\//.test(message.body) } }
    case "Buttons":
      return {
        type: "interactive",
        interactive: {
          type: "button",
          ...header(message.header),
          body: { text: message.body },
          ...footer(message.footer),
          action: { buttons: message.buttons.map((button) => ({ type: "reply", reply: { id: button.id, title: button.title } })) }
        }
      }
    case "List":
      return {
        type: "interactive",
        interactive: {
          type: "list",
          ...header(message.header),
          body: { text: message.body },
          ...footer(message.footer),
          action: {
            button: message.buttonLabel,
            sections: message.sections.map((section) => ({
              ...(section.title.length > 0 ? { title: section.title } : {}),
              rows: section.rows.map((row) => ({
                id: row.id,
                title: row.title,
                ...(row.description === undefined ? {} : { description: row.description })
              }))
            }))
          }
        }
      }
    case "LinkButton":
      return {
        type: "interactive",
        interactive: {
          type: "cta_url",
          body: { text: message.body },
          action: { name: "cta_url", parameters: { display_text: message.label, url: message.url } }
        }
      }
    case "Image":
      return { type: "image", image: { ...media(message.media), ...(message.caption === undefined ? {} : { caption: message.caption }) } }
    case "Video":
      return { type: "video", video: { ...media(message.media), ...(message.caption === undefined ? {} : { caption: message.caption }) } }
    case "Document":
      return {
        type: "document",
        document: {
          ...media(message.media),
          filename: message.filename,
          ...(message.caption === undefined ? {} : { caption: message.caption })
        }
      }
    case "Reaction":
      return { type: "reaction", reaction: { message_id: message.toMessageId, emoji: message.emoji } }
    case "Template":
      return {
        type: "template",
        template: {
          name: message.name,
          language: { code: message.languageCode },
          ...(message.bodyParameters.length === 0
            ? {}
            : { components: [{ type: "body", parameters: message.bodyParameters.map((text) => ({ type: "text" as const, text })) }] })
        }
      }
  }
}

/** `to` when a phone number is known (it wins on Meta's side too), else `recipient`. */
export const addressOf = (recipient: Recipient): { readonly to: string } | { readonly recipient: string } =>
  recipient.waId !== undefined ? { to: recipient.waId } : { recipient: recipient.userId ?? "" }

const validateBody = Schema.validateEither(SendMessageBody, { errors: "all" })

/**
 * The wire body, once the domain's limits and the wire schema both accept the message; nothing
 * is sent otherwise.
 */
export const toSendBody = (
  recipient: Recipient,
  message: OutgoingMessage,
  options?: SendOptions
): Effect.Effect<SendMessageBody, InvalidMessage> =>
  Either.match(checkOutgoingMessage(message), {
    onLeft: (violations) => Effect.fail(new InvalidMessage({ violations })),
    onRight: () => {
      const body = {
        messaging_product: "whatsapp" as const,
        recipient_type: "individual" as const,
        ...addressOf(recipient),
        ...(options?.replyTo === undefined ? {} : { context: { message_id: options.replyTo } }),
        ...(options?.callbackData === undefined ? {} : { biz_opaque_callback_data: options.callbackData }),
        ...payload(message)
      }
      return Either.match(validateBody(body), {
        onLeft: (error) =>
          Effect.fail(
            new InvalidMessage({
              violations: ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
                path: issue.path.join("."),
                rule: issue.message
              }))
            })
          ),
        onRight: Effect.succeed
      })
    }
  })
