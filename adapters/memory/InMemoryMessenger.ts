import { Context, Effect, Either, Layer, Ref } from "effect"
import type { MediaSource } from "../../application/ports/MediaSource.js"
import {
  InvalidMessage,
  Messenger,
  OutsideCustomerServiceWindow,
  type Recipient,
  type SendError
} from "../../application/ports/Messenger.js"
import { WhatsAppMessageId } from "../../domain/ids.js"
import { checkOutgoingMessage } from "../../domain/messages/limits.js"
import type { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { InMemoryMedia, InMemoryMediaLive, InMemoryMediaSourceLive } from "./InMemoryMediaSource.js"

/** One message the bot sent, as the in-memory messenger recorded it. */
export interface SentMessage {
  readonly id: WhatsAppMessageId
  readonly recipient: Recipient
  readonly message: OutgoingMessage
  readonly replyTo?: string
  readonly callbackData?: string
}

/** What tests read from, and steer, the in-memory messenger. */
export interface InMemoryMessagesService {
  /** Every message sent, in order. */
  readonly sent: Effect.Effect<ReadonlyArray<SentMessage>>
  /** The messages a person received, whether addressed by phone number or by user id. */
  readonly sentTo: (recipient: Recipient) => Effect.Effect<ReadonlyArray<SentMessage>>
  /** Inbound message ids marked read (each with a typing indicator). */
  readonly readReceipts: Effect.Effect<ReadonlyArray<string>>
  /** The next `times` sends (to `recipient`, or to anyone) fail with `error`. */
  readonly failNext: (error: SendError, options?: { readonly times?: number; readonly recipient?: Recipient }) => Effect.Effect<void>
  /**
   * The person has not written for more than 24 h: everything but templates fails with
   * OutsideCustomerServiceWindow until `openWindow`.
   */
  readonly closeWindow: (recipient: Recipient) => Effect.Effect<void>
  /** The person wrote: the 24 h window is open again. */
  readonly openWindow: (recipient: Recipient) => Effect.Effect<void>
}

export class InMemoryMessages extends Context.Tag("whatsapp-astria-bot/InMemoryMessages")<
  InMemoryMessages,
  InMemoryMessagesService
>() {}

/** The same person, whichever identity each side knows. */
export const sameRecipient = (a: Recipient, b: Recipient): boolean =>
  (a.waId !== undefined && a.waId === b.waId) || (a.userId !== undefined && a.userId === b.userId)

interface Fault {
  readonly error: SendError
  readonly recipient?: Recipient
  readonly remaining: number
}

const make = Effect.gen(function* () {
  const media = yield* InMemoryMedia
  const sent = yield* Ref.make<ReadonlyArray<SentMessage>>([])
  const reads = yield* Ref.make<ReadonlyArray<string>>([])
  const faults = yield* Ref.make<ReadonlyArray<Fault>>([])
  const closed = yield* Ref.make<ReadonlyArray<Recipient>>([])
  const counter = yield* Ref.make(0)

  const takeFault = (recipient: Recipient) =>
    Ref.modify(faults, (all): [SendError | undefined, ReadonlyArray<Fault>] => {
      const index = all.findIndex((candidate) => candidate.recipient === undefined || sameRecipient(candidate.recipient, recipient))
      const fault = all[index]
      if (fault === undefined) return [undefined, all]
      const left = all.map((candidate, i) => (i === index ? { ...candidate, remaining: candidate.remaining - 1 } : candidate))
      return [fault.error, left.filter((candidate) => candidate.remaining > 0)]
    })

  const messenger = Messenger.of({
    send: (recipient, message, options) =>
      Effect.gen(function* () {
        const checked = checkOutgoingMessage(message)
        if (Either.isLeft(checked)) return yield* Effect.fail(new InvalidMessage({ violations: checked.left }))
        const fault = yield* takeFault(recipient)
        if (fault !== undefined) return yield* Effect.fail(fault)
        const windowClosed = (yield* Ref.get(closed)).some((other) => sameRecipient(other, recipient))
        if (windowClosed && message._tag !== "Template") {
          return yield* Effect.fail(
            new OutsideCustomerServiceWindow({ message: "Re-engagement message: more than 24 hours since the last message" })
          )
        }
        const n = yield* Ref.updateAndGet(counter, (count) => count + 1)
        // Like Meta's, the id says nothing about the person: ids end up in logs.
        const id = WhatsAppMessageId.make(`wamid.memory.${n}`)
        const record: SentMessage = {
          id,
          recipient,
          message,
          ...(options?.replyTo === undefined ? {} : { replyTo: options.replyTo }),
          ...(options?.callbackData === undefined ? {} : { callbackData: options.callbackData })
        }
        yield* Ref.update(sent, (all) => [...all, record])
        return id
      }),
    markRead: (messageId) => Ref.update(reads, (all) => [...all, messageId]),
    uploadMedia: (bytes, mimeType) => media.put(bytes, mimeType)
  })

  const control = InMemoryMessages.of({
    sent: Ref.get(sent),
    sentTo: (recipient) => Effect.map(Ref.get(sent), (all) => all.filter((record) => sameRecipient(record.recipient, recipient))),
    readReceipts: Ref.get(reads),
    failNext: (error, options) =>
      Ref.update(faults, (all) => [
        ...all,
        { error, remaining: options?.times ?? 1, ...(options?.recipient === undefined ? {} : { recipient: options.recipient }) }
      ]),
    closeWindow: (recipient) => Ref.update(closed, (all) => [...all, recipient]),
    openWindow: (recipient) => Ref.update(closed, (all) => all.filter((other) => !sameRecipient(other, recipient)))
  })

  return Context.make(Messenger, messenger).pipe(Context.add(InMemoryMessages, control))
})

/** The Messenger port in memory, uploading into the in-memory media store. */
export const InMemoryMessengerLive: Layer.Layer<Messenger | InMemoryMessages, never, InMemoryMedia> = Layer.effectContext(make)

/** Both WhatsApp ports in memory, sharing one media store, with their test controls. */
export const InMemoryWhatsAppLive: Layer.Layer<Messenger | MediaSource | InMemoryMessages | InMemoryMedia> = Layer.mergeAll(
  InMemoryMessengerLive,
  InMemoryMediaSourceLive
).pipe(Layer.provideMerge(InMemoryMediaLive))
