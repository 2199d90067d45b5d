import { DateTime, Effect, Option, Schema } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import {
  InboundEvent,
  type InboundMessageEvent,
  type WhatsAppIdentity
} from "../../contracts/whatsapp/InboundEvent.js"
import { UserId, WhatsAppMessageId } from "../../domain/ids.js"
import { eventRecord } from "../events/eventRecord.js"
import { awaitCustomerServiceWindow } from "./awaitCustomerServiceWindow.js"
import { OutboxWakeup } from "../events/Wakeup.js"
import { Ids } from "../ports/Ids.js"
import { InboundMessageRecord, InboundMessages } from "../ports/InboundMessages.js"
import { OutboundMessages } from "../ports/OutboundMessages.js"
import { Outbox } from "../ports/Outbox.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { Users, type UserIdentity } from "../ports/Users.js"

export interface IngestSummary {
  readonly accepted: number
  readonly duplicates: number
  readonly statuses: number
}

/** WhatsApp's error code for a message sent more than 24 hours after the person last wrote. */
const outsideWindowErrorCode = 131047

const identityOf = (sender: WhatsAppIdentity): UserIdentity => ({
  waId: Option.fromNullable(sender.waId),
  bsuid: Option.fromNullable(sender.userId),
  profileName: Option.fromNullable(sender.profileName)
})

/**
 * One POST can carry several people's messages; taking their identities in one order everywhere
 * keeps two such webhooks from deadlocking on each other's users. Each person's messages keep
 * their own order (the sort is stable).
 */
const inLockOrder = (events: ReadonlyArray<InboundEvent>): ReadonlyArray<InboundEvent> => {
  const key = (event: InboundEvent) =>
    "sender" in event ? `${event.sender.userId ?? ""}|${event.sender.waId ?? ""}` : ""
  return [...events].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

const isMessage = (event: InboundEvent): event is InboundMessageEvent =>
  event._tag !== "DeliveryStatus" && event._tag !== "WebhookProblem"

/**
 * Takes in what one webhook POST carried, in one transaction: each new message (deduplicated by
 * its wamid) with its `UserMessageReceivedEvent` in the outbox, and each delivery status. Nothing
 * else happens here, so Meta gets its answer fast; the consumers do the rest.
 */
export const ingestInboundEvents = (events: ReadonlyArray<InboundEvent>) =>
  Effect.gen(function* () {
    const unitOfWork = yield* UnitOfWork
    const users = yield* Users
    const inbound = yield* InboundMessages
    const outbox = yield* Outbox
    const outbound = yield* OutboundMessages
    const ids = yield* Ids
    const wakeup = yield* OutboxWakeup

    const ingestMessage = (message: InboundMessageEvent) =>
      Effect.gen(function* () {
        const receivedAt = DateTime.toDate(message.timestamp)
        const newId = UserId.make(yield* ids.uuid)
        const { user } = yield* users.resolve(identityOf(message.sender), newId, new Date())
        const isNew = yield* inbound.recordIfNew(
          new InboundMessageRecord({
            id: WhatsAppMessageId.make(message.messageId),
            userId: user.id,
            kind: message._tag,
            payload: yield* Schema.encode(InboundEvent)(message).pipe(Effect.orDie),
            receivedAt
          })
        )
        if (!isNew) return "duplicate" as const
        // The person wrote: the 24-hour window is open again, so anything held for it goes out.
        yield* outbound.releaseHeld(user.id)
        if (message._tag === "NumberChanged" && message.newWaId !== undefined) {
          yield* users.changeNumber(user.id, message.newWaId)
        }
        const event = yield* eventRecord(
          BotEvents.UserMessageReceived,
          user.id,
          { userId: user.id, message },
          "message"
        )
        yield* outbox.add([event])
        return "accepted" as const
      })

    const ingestStatus = (event: InboundEvent & { readonly _tag: "DeliveryStatus" }) =>
      outbound
        .recordStatus(
          event.messageId,
          event.status,
          DateTime.toDate(event.timestamp),
          Option.fromNullable(event.errors[0]?.code)
        )
        .pipe(
          Effect.tap((applied) =>
            Option.match(applied, {
              onNone: () => Effect.void,
              onSome: (intent) =>
                event.status === "failed" && event.errors.some((error) => error.code === outsideWindowErrorCode)
                  ? awaitCustomerServiceWindow(intent)
                  : Effect.void
            })
          )
        )

    const outcomes = yield* unitOfWork.transaction(
      Effect.forEach(inLockOrder(events), (event) =>
        isMessage(event)
          ? ingestMessage(event)
          : event._tag === "DeliveryStatus"
            ? Effect.as(ingestStatus(event), "status" as const)
            : Effect.as(Effect.logWarning("WhatsApp reported a problem", { code: event.code, title: event.title }), "status" as const)
      )
    )
    const summary: IngestSummary = {
      accepted: outcomes.filter((outcome) => outcome === "accepted").length,
      duplicates: outcomes.filter((outcome) => outcome === "duplicate").length,
      statuses: outcomes.filter((outcome) => outcome === "status").length
    }
    if (summary.accepted > 0) yield* wakeup.notify
    return summary
  })
