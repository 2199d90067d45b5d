import { randomUUID } from "node:crypto"
import { Clock, DateTime, Effect, Option } from "effect"
import type { SentMessage } from "../../adapters/memory/InMemoryMessenger.js"
import { OutboundMessages } from "../../application/ports/OutboundMessages.js"
import { DeliveryStatus } from "../../contracts/whatsapp/InboundEvent.js"
import { UserId } from "../../domain/ids.js"
import type { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"

/** A reply intent as the sender finds it, and the person it is for. */
export interface EnqueuedIntent {
  readonly id: string
  readonly userId: UserId
  readonly waId: string
}

/** One intent for a new person (the sender takes each person's earliest pending one per batch). */
export const enqueueForNewPerson = (message: OutgoingMessage, createdAt: Date = new Date(0)) =>
  Effect.gen(function* () {
    const enqueued: EnqueuedIntent = { id: randomUUID(), userId: UserId.make(randomUUID()), waId: `9725${Math.floor(Math.random() * 1e8)}` }
    yield* Effect.flatMap(OutboundMessages, (outbound) =>
      outbound.enqueue([
        { id: enqueued.id, userId: enqueued.userId, recipient: { waId: Option.some(enqueued.waId), bsuid: Option.none() }, message, createdAt }
      ])
    )
    return enqueued
  })

/** The intent as stored now. */
export const intentOf = (enqueued: Pick<EnqueuedIntent, "id" | "userId">) =>
  Effect.map(
    Effect.flatMap(OutboundMessages, (outbound) => outbound.listForUser(enqueued.userId)),
    (intents) => intents.find((intent) => intent.id === enqueued.id)
  )

/** Meta's status for a message the in-memory messenger sent, now, with the callback data it was sent with. */
export const statusFromMeta = (sent: SentMessage, status: "sent" | "delivered", waId: string) =>
  Effect.map(Clock.currentTimeMillis, (now) =>
    DeliveryStatus.make({
      messageId: sent.id,
      status,
      timestamp: DateTime.unsafeMake(now),
      recipient: { waId },
      phoneNumberId: "phone-1",
      errors: [],
      ...(sent.callbackData === undefined ? {} : { callbackData: sent.callbackData })
    })
  )
