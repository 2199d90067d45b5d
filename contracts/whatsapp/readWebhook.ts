import { Either, ParseResult, Schema } from "effect"
import { WebhookErrorDetail } from "./GraphError.js"
import { type InboundEvent, messageEvent, problemEvent, statusEvent } from "./InboundEvent.js"
import { Contact, InboundMessage, MessageStatus, Metadata, WebhookDecodeError } from "./Webhook.js"

/**
 * The webhook read element by element: each message, status, contact and error is decoded on its
 * own, so one that cannot be read costs itself alone. Meta answers a non-2xx with redeliveries of
 * the same body for days, so refusing a whole batch for one element would refuse it for good.
 */

/**
 * An element left out: where it was in the body and which of its fields was wrong. Never its
 * content, which may be anything a person typed.
 */
export interface UnreadableElement {
  /** E.g. `entry[0].changes[1].value.messages[2]`. */
  readonly position: string
  /** The path inside the element of the first field refused (empty: the element itself). */
  readonly field: string
}

export interface ReadWebhook {
  /** Every readable message, status and error, in Meta's order (see `normalizeWebhook`). */
  readonly events: ReadonlyArray<InboundEvent>
  readonly unreadable: ReadonlyArray<UnreadableElement>
}

/** The levels above the elements: what makes a body a WhatsApp webhook at all. */
const EnvelopeLevel = Schema.parseJson(
  Schema.Struct({ object: Schema.Literal("whatsapp_business_account"), entry: Schema.Array(Schema.Unknown) })
)
const EntryLevel = Schema.Struct({ changes: Schema.Array(Schema.Unknown) })
const ChangeLevel = Schema.Struct({ field: Schema.String, value: Schema.Unknown })
const elements = Schema.optionalWith(Schema.Array(Schema.Unknown), { default: () => [] })
const MessagesValueLevel = Schema.Struct({
  messaging_product: Schema.Literal("whatsapp"),
  metadata: Metadata,
  contacts: elements,
  messages: elements,
  statuses: elements,
  errors: elements
})

const decodeEnvelope = Schema.decodeUnknownEither(EnvelopeLevel)
const decodeEntry = Schema.decodeUnknownEither(EntryLevel)
const decodeChange = Schema.decodeUnknownEither(ChangeLevel)
const decodeMessagesValue = Schema.decodeUnknownEither(MessagesValueLevel)
const decodeContact = Schema.decodeUnknownEither(Contact)
const decodeMessage = Schema.decodeUnknownEither(InboundMessage)
const decodeStatus = Schema.decodeUnknownEither(MessageStatus)
const decodeError = Schema.decodeUnknownEither(WebhookErrorDetail)

/** The path of the first refused field; the message is left out, as it quotes the value. */
const fieldOf = (error: ParseResult.ParseError): string =>
  (ParseResult.ArrayFormatter.formatErrorSync(error)[0]?.path ?? []).map(String).join(".")

/**
 * Reads the body's text: fails only when it is not a WhatsApp webhook at all (not JSON, another
 * `object`, no `entry` array); below that, what cannot be read is listed and left out.
 */
export const readWebhook = (text: string): Either.Either<ReadWebhook, WebhookDecodeError> =>
  Either.map(
    Either.mapLeft(decodeEnvelope(text), (error) => new WebhookDecodeError({ reason: ParseResult.TreeFormatter.formatErrorSync(error) })),
    (envelope) => {
      const events: Array<InboundEvent> = []
      const unreadable: Array<UnreadableElement> = []
      /** Decodes one element; an unreadable one is recorded at `position` and skipped. */
      const each = <A>(
        items: ReadonlyArray<unknown>,
        position: string,
        decode: (item: unknown) => Either.Either<A, ParseResult.ParseError>,
        use: (item: A, position: string) => void
      ) =>
        items.forEach((item, index) => {
          const at = `${position}[${index}]`
          Either.match(decode(item), {
            onLeft: (error) => unreadable.push({ position: at, field: fieldOf(error) }),
            onRight: (decoded) => use(decoded, at)
          })
        })

      each(envelope.entry, "entry", decodeEntry, (entry, entryAt) =>
        each(entry.changes, `${entryAt}.changes`, decodeChange, (change, changeAt) => {
          // Other subscribed fields (template status, account updates...) are acknowledged, not read.
          if (change.field !== "messages") return
          Either.match(decodeMessagesValue(change.value), {
            onLeft: (error) => unreadable.push({ position: `${changeAt}.value`, field: fieldOf(error) }),
            onRight: (value) => {
              const at = `${changeAt}.value`
              const phoneNumberId = value.metadata.phone_number_id
              const contacts: Array<Contact> = []
              each(value.contacts, `${at}.contacts`, decodeContact, (contact) => contacts.push(contact))
              each(value.errors, `${at}.errors`, decodeError, (error) => events.push(problemEvent(error, phoneNumberId)))
              each(value.messages, `${at}.messages`, decodeMessage, (message) =>
                events.push(messageEvent(message, contacts, phoneNumberId))
              )
              each(value.statuses, `${at}.statuses`, decodeStatus, (status) => events.push(...statusEvent(status, phoneNumberId)))
            }
          })
        })
      )
      return { events, unreadable }
    }
  )
