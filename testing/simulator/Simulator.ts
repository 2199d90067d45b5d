import type { Scope } from "effect"
import { Clock, Effect, Option, Ref, Schema } from "effect"
import { announcedSha256, type FakeGraphApi, type InboundDraft, type WebhookPostError } from "../fakes/graph-api/FakeGraphApi.js"
import { seenMessage } from "../SeenMessage.js"
import { chatView, type Chat, type ChatView, type Person, type Phone, type SentByPerson } from "./ChatView.js"
import { persistSimulatorChats } from "./persistence.js"

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

/** What else a person can attach: voice notes and audio, videos, and documents as WhatsApp takes them. */
export const AudioMimeType = Schema.Literal("audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "audio/amr")
export const VideoMimeType = Schema.Literal("video/mp4", "video/3gpp")
export const DocumentMimeType = Schema.Literal(
  "application/pdf",
  "text/plain",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)
export const FileMimeType = Schema.Union(PhotoMimeType, AudioMimeType, VideoMimeType, DocumentMimeType)
export type FileMimeType = typeof FileMimeType.Type

/** The sentence a person reads when they pick a file the simulator cannot send. */
export const unsendableFile = (mimeType: string) =>
  `the simulator cannot send a file of type "${mimeType || "unknown"}": send a photo (JPEG, PNG, HEIC, WebP), a voice note or audio (OGG, MP3, M4A, AAC, AMR), a video (MP4, 3GP) or a document (PDF, text, Word, Excel, PowerPoint)`

const isPhotoMime = Schema.is(PhotoMimeType)
const isAudioMime = Schema.is(AudioMimeType)
const isVideoMime = Schema.is(VideoMimeType)

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
  /** Any file a person can attach: a photo goes as `sendPhoto` does; a WebP image may go as a sticker. */
  readonly sendFile: (
    phone: Phone,
    file: { readonly bytes: Uint8Array; readonly mimeType: FileMimeType; readonly filename: string | undefined; readonly asSticker: boolean }
  ) => Effect.Effect<void, SendError>
  readonly sendLocation: (
    phone: Phone,
    place: { readonly latitude: number; readonly longitude: number; readonly name?: string | undefined; readonly address?: string | undefined }
  ) => Effect.Effect<void, SendError>
  /** Shares a contact card. */
  readonly sendContact: (phone: Phone, card: { readonly name: string; readonly phone: string }) => Effect.Effect<void, SendError>
  /** Reacts to a message of this chat; an empty emoji removes the reaction. */
  readonly react: (phone: Phone, messageId: string, emoji: string) => Effect.Effect<void, SendError>
  /** Edits a text the person sent. */
  readonly edit: (phone: Phone, messageId: string, text: string) => Effect.Effect<void, SendError>
  /** Deletes a message the person sent, for everyone. */
  readonly remove: (phone: Phone, messageId: string) => Effect.Effect<void, SendError>
  /** Taps a reply button or picks a list row of a message the bot sent this person. */
  readonly reply: (phone: Phone, messageId: string, choiceId: string) => Effect.Effect<void, SendError>
}

/**
 * The simulator's people and what each sent, over the fake Graph API: everything a person does goes
 * to the bot as Meta's signed webhook, and everything they see is what the bot sent through the
 * Graph API. With `dataDir`, the people and their messages outlive a restart.
 */
export const makeSimulator = (graph: FakeGraphApi, options: { readonly dataDir?: string } = {}): Effect.Effect<Simulator, never, Scope.Scope> =>
  Effect.gen(function* () {
    const chats = yield* Ref.make(new Map<Phone, Chat>())
    if (options.dataDir !== undefined) yield* persistSimulatorChats(chats, options.dataDir)

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

    const sendPhoto: Simulator["sendPhoto"] = (phone, photo) =>
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
      })

    /** The person's own message of this chat, not deleted, for an edit or a deletion. */
    const ownMessage = (phone: Phone, messageId: string) =>
      Effect.flatMap(chatOf(phone), (chat) => {
        const deleted = chat.sent.some((sent) => sent.kind === "delete" && sent.target === messageId)
        const found = chat.sent.find((sent) => sent.id === messageId && sent.target === undefined)
        return found === undefined || deleted
          ? Effect.fail(new SimulatorInputError({ message: "this person sent no such message" }))
          : Effect.succeed(found)
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
      sendPhoto,
      sendFile: (phone, file) =>
        Effect.gen(function* () {
          const { bytes, filename, mimeType } = file
          if (file.asSticker && mimeType !== "image/webp") {
            return yield* new SimulatorInputError({ message: "a sticker is a WebP image" })
          }
          if (isPhotoMime(mimeType) && !file.asSticker) return yield* sendPhoto(phone, { bytes, mimeType, filename })
          const mediaId = yield* graph.putMedia(bytes, mimeType)
          const media = { id: mediaId, mime_type: mimeType, sha256: announcedSha256(bytes) }
          const shown = { text: "", mediaId, mimeType }
          if (file.asSticker) return yield* send(phone, { type: "sticker", sticker: { ...media, animated: false } }, { kind: "sticker", ...shown })
          if (isAudioMime(mimeType)) {
            return yield* send(phone, { type: "audio", audio: { ...media, voice: mimeType === "audio/ogg" } }, { kind: "audio", ...shown })
          }
          if (isVideoMime(mimeType)) return yield* send(phone, { type: "video", video: media }, { kind: "video", ...shown })
          const named = filename ?? "document"
          return yield* send(phone, { type: "document", document: { ...media, filename: named } }, { kind: "document", ...shown, filename: named })
        }),
      sendLocation: (phone, place) => {
        const described = [place.name, place.address].filter((part): part is string => part !== undefined && part !== "")
        return send(
          phone,
          {
            type: "location",
            location: {
              latitude: place.latitude,
              longitude: place.longitude,
              ...(place.name === undefined ? {} : { name: place.name }),
              ...(place.address === undefined ? {} : { address: place.address })
            }
          },
          { kind: "location", text: [...described, `${place.latitude}, ${place.longitude}`].join(" · ") }
        )
      },
      sendContact: (phone, card) =>
        send(
          phone,
          { type: "contacts", contacts: [{ name: { formatted_name: card.name }, phones: [{ phone: `+${card.phone}`, wa_id: card.phone }] }] },
          { kind: "contact", text: `${card.name} +${card.phone}` }
        ),
      react: (phone, messageId, emoji) =>
        Effect.gen(function* () {
          const chat = yield* chatOf(phone)
          const received = yield* graph.received({ waId: phone })
          const inChat = received.some((item) => item.id === messageId) || chat.sent.some((sent) => sent.id === messageId && sent.target === undefined)
          if (!inChat) return yield* new SimulatorInputError({ message: "this chat has no such message" })
          return yield* send(phone, { type: "reaction", reaction: { message_id: messageId, emoji } }, { kind: "reaction", text: emoji, target: messageId })
        }),
      edit: (phone, messageId, text) =>
        Effect.gen(function* () {
          const original = yield* ownMessage(phone, messageId)
          if (original.kind !== "text") return yield* new SimulatorInputError({ message: "only a text can be edited here" })
          return yield* send(
            phone,
            { type: "edit", edit: { original_message_id: messageId, message: { type: "text", text: { body: text } } } },
            { kind: "edit", text, target: messageId }
          )
        }),
      remove: (phone, messageId) =>
        Effect.gen(function* () {
          yield* ownMessage(phone, messageId)
          return yield* send(phone, { type: "revoke", revoke: { original_message_id: messageId } }, { kind: "delete", text: "", target: messageId })
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
