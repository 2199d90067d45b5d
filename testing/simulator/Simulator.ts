import { Clock, Effect, Option, Ref, Schema } from "effect"
import { announcedSha256, type FakeGraphApi, type InboundDraft, type WebhookPostError } from "../fakes/graph-api/FakeGraphApi.js"
import { seenMessage } from "../SeenMessage.js"
import { chatView, type ChatView, type Person, type Phone, type SentByPerson } from "./ChatView.js"

/** The request made sense, but not here: an unknown person, a button the bot never sent. */
export class SimulatorInputError extends Schema.TaggedError<SimulatorInputError>()("SimulatorInputError", {
  message: Schema.String
}) {}

/** The bot did not acknowledge the webhook (it answered something other than 200). */
export class BotRefusedWebhook extends Schema.TaggedError<BotRefusedWebhook>()("BotRefusedWebhook", {
  statuses: Schema.Array(Schema.Number)
}) {
  override get message(): string {
    return `the bot answered the webhook with ${this.statuses.join(", ")}`
  }
}

export type SendError = SimulatorInputError | WebhookPostError | BotRefusedWebhook

/** The photo formats the page accepts; WhatsApp sends JPEG and PNG as images, the rest as documents. */
export const PhotoMimeType = Schema.Literal("image/jpeg", "image/png", "image/heic", "image/heif", "image/webp")
export type PhotoMimeType = typeof PhotoMimeType.Type

/** WhatsApp's image limit: a larger photo goes as a document, at full quality. */
const imageLimitBytes = 5 * 1024 * 1024

export interface Simulator {
  readonly people: Effect.Effect<ReadonlyArray<Person>>
  readonly addPerson: (person: Person) => Effect.Effect<Person>
  readonly chat: (phone: Phone) => Effect.Effect<ChatView, SimulatorInputError>
  readonly sendText: (phone: Phone, text: string) => Effect.Effect<void, SendError>
  readonly sendPhoto: (
    phone: Phone,
    photo: { readonly bytes: Uint8Array; readonly mimeType: PhotoMimeType; readonly filename: string | undefined }
  ) => Effect.Effect<void, SendError>
  /** Taps a reply button or picks a list row of a message the bot sent this person. */
  readonly reply: (phone: Phone, messageId: string, choiceId: string) => Effect.Effect<void, SendError>
}

interface Chat {
  readonly person: Person
  readonly sent: ReadonlyArray<SentByPerson>
}

/**
 * The simulator's people and what each sent, over the fake Graph API: everything a person does goes
 * to the bot as Meta's signed webhook, and everything they see is what the bot sent through the
 * Graph API.
 */
export const makeSimulator = (graph: FakeGraphApi): Effect.Effect<Simulator> =>
  Effect.gen(function* () {
    const chats = yield* Ref.make(new Map<Phone, Chat>())

    const chatOf = (phone: Phone) =>
      Effect.flatMap(Ref.get(chats), (all) =>
        Option.match(Option.fromNullable(all.get(phone)), {
          onNone: () => Effect.fail(new SimulatorInputError({ message: `no person with the number ${phone} in the simulator` })),
          onSome: Effect.succeed
        })
      )

    /** Posts the person's message as Meta would and records it, stamped before the post. */
    const send = (phone: Phone, draft: InboundDraft, shown: Omit<SentByPerson, "id" | "at">) =>
      Effect.gen(function* () {
        yield* chatOf(phone)
        const at = yield* Clock.currentTimeMillis
        const { statuses, wamid } = yield* graph.userSends({ waId: phone }, draft)
        if (!statuses.every((status) => status === 200)) return yield* new BotRefusedWebhook({ statuses })
        yield* Ref.update(chats, (all) => {
          const chat = all.get(phone)
          return chat === undefined ? all : new Map(all).set(phone, { ...chat, sent: [...chat.sent, { id: wamid, at, ...shown }] })
        })
      })

    const simulator: Simulator = {
      people: Effect.map(Ref.get(chats), (all) => [...all.values()].map((chat) => chat.person)),
      addPerson: (person) =>
        Effect.gen(function* () {
          yield* graph.addUser({ waId: person.phone, name: person.name })
          return yield* Ref.modify(chats, (all) => {
            const existing = all.get(person.phone)
            return existing === undefined ? [person, new Map(all).set(person.phone, { person, sent: [] })] : [existing.person, all]
          })
        }),
      chat: (phone) =>
        Effect.gen(function* () {
          const chat = yield* chatOf(phone)
          const received = yield* graph.received({ waId: phone })
          const receipts = yield* graph.readReceipts
          const now = yield* Clock.currentTimeMillis
          return chatView({ person: chat.person, sent: chat.sent, received, receipts, now })
        }),
      sendText: (phone, text) => send(phone, { type: "text", text: { body: text } }, { kind: "text", text }),
      sendPhoto: (phone, photo) =>
        Effect.gen(function* () {
          const mediaId = yield* graph.putMedia(photo.bytes, photo.mimeType)
          const sha256 = announcedSha256(photo.bytes)
          const asImage = (photo.mimeType === "image/jpeg" || photo.mimeType === "image/png") && photo.bytes.length <= imageLimitBytes
          if (asImage) {
            return yield* send(phone, { type: "image", image: { id: mediaId, mime_type: photo.mimeType, sha256 } }, { kind: "image", text: "", mediaId, mimeType: photo.mimeType })
          }
          const filename = photo.filename ?? `photo.${photo.mimeType.slice("image/".length)}`
          return yield* send(
            phone,
            { type: "document", document: { id: mediaId, mime_type: photo.mimeType, sha256, filename } },
            { kind: "document", text: "", mediaId, mimeType: photo.mimeType, filename }
          )
        }),
      reply: (phone, messageId, choiceId) =>
        Effect.gen(function* () {
          const received = yield* graph.received({ waId: phone })
          const message = received.find((item) => item.id === messageId)
          if (message === undefined) return yield* new SimulatorInputError({ message: "the bot sent this person no such message" })
          const seen = seenMessage(message.id, message.body)
          const context = { from: "bot", id: message.id }
          const button = seen.buttons.find((item) => item.id === choiceId)
          if (button !== undefined) {
            return yield* send(
              phone,
              { type: "interactive", context, interactive: { type: "button_reply", button_reply: { id: button.id, title: button.title } } },
              { kind: "reply", text: button.title }
            )
          }
          const row = seen.rows.find((item) => item.id === choiceId)
          if (row === undefined) return yield* new SimulatorInputError({ message: "that message has no such button or row" })
          return yield* send(
            phone,
            {
              type: "interactive",
              context,
              interactive: { type: "list_reply", list_reply: { id: row.id, title: row.title, ...(row.description === undefined ? {} : { description: row.description }) } }
            },
            { kind: "reply", text: row.title }
          )
        })
    }
    return simulator
  })
