import { Clock, DateTime, Duration, Effect, Option, Schema } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import {
  InboundEvent,
  type InboundMessageEvent,
  type WhatsAppIdentity
} from "../../contracts/whatsapp/InboundEvent.js"
import { WhatsAppMessageId } from "../../domain/ids.js"
import { encodedEventRecordAt } from "../events/eventRecord.js"
import { awaitCustomerServiceWindow } from "./awaitCustomerServiceWindow.js"
import { senderKey } from "./senderKey.js"
import { statusClaimOf } from "./sendClaim.js"
import { handedOverLease, OutboxWakeup } from "../events/Wakeup.js"
import { Ids } from "../ports/Ids.js"
import { InboundMessageRecord, InboundMessages, redeliveryWindow } from "../ports/InboundMessages.js"
import type { Arrival, SenderIdentity } from "../ports/InboundMessages.js"
import { OutboundMessages } from "../ports/OutboundMessages.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"

export interface IngestSummary {
  readonly accepted: number
  readonly duplicates: number
  /** Messages stamped before the redelivery window: recorded as seen, not acted on. */
  readonly stale: number
  readonly statuses: number
}

/** WhatsApp's error code for a message sent more than 24 hours after the person last wrote. */
const outsideWindowErrorCode = 131047

type DeliveryStatus = InboundEvent & { readonly _tag: "DeliveryStatus" }
type WebhookProblem = InboundEvent & { readonly _tag: "WebhookProblem" }

const isMessage = (event: InboundEvent): event is InboundMessageEvent =>
  event._tag !== "DeliveryStatus" && event._tag !== "WebhookProblem"

const senderIdentity = (sender: WhatsAppIdentity): SenderIdentity => ({
  waId: Option.fromNullable(sender.waId),
  bsuid: Option.fromNullable(sender.userId)
})

const encodeInbound = Schema.encodeSync(InboundEvent)
const handedOverLeaseMillis = Duration.toMillis(handedOverLease)
const redeliveryWindowMillis = Duration.toMillis(redeliveryWindow)

/**
 * The stored message. Received when Meta stamped it, but never later than now: a stamp from a
 * clock far ahead would keep the message past the history's retention.
 */
const recordOf = (message: InboundMessageEvent, sender: SenderIdentity, payload: unknown, now: number): InboundMessageRecord =>
  new InboundMessageRecord(
    {
      id: WhatsAppMessageId.make(message.messageId),
      sender,
      kind: message._tag,
      payload,
      receivedAt: new Date(Math.min(DateTime.toEpochMillis(message.timestamp), now))
    },
    true
  )

/**
 * A message and its event as the store takes them. Synchronous, with the id and time given: it
 * runs for every message of every webhook. An event that does not encode is a defect: the
 * envelope's schema decoded it.
 */
const arrivalOf = (message: InboundMessageEvent, sender: SenderIdentity, key: string, eventId: string, now: number): Arrival => {
  // Encoded once: the stored message and its event carry the same JSON.
  const payload = encodeInbound(message)
  const record = recordOf(message, sender, payload, now)
  const event = encodedEventRecordAt(BotEvents.UserMessageReceived, key, { message: payload }, "message", eventId, now)
  // Handed to this process's relay once stored (below); other relays wait for the lease.
  return { message: record, event: { ...event, availableAt: new Date(now + handedOverLeaseMillis) } }
}

/**
 * Takes in what one webhook POST carried: each new message (deduplicated by its wamid) with its
 * `UserMessageReceivedEvent` in the outbox, in one atomic write; then each delivery status. A
 * message stamped before the redelivery window is recorded as seen and not acted on: its id may
 * have been forgotten since it was answered, so answering it could answer it twice.
 * Nothing else happens here, not even finding out who wrote (the conversation does), so Meta gets
 * its answer fast and a burst of one person's photos does not queue on their user row.
 */
export const ingestInboundEvents = (events: ReadonlyArray<InboundEvent>) =>
  Effect.gen(function* () {
    const inbound = yield* InboundMessages
    const ids = yield* Ids
    const now = yield* Clock.currentTimeMillis
    const oldestActedOn = now - redeliveryWindowMillis
    const arrivals: Array<Arrival> = []
    const stale: Array<InboundMessageRecord> = []
    const statuses: Array<DeliveryStatus> = []
    for (const event of events) {
      if (isMessage(event)) {
        const sender = senderIdentity(event.sender)
        const key = senderKey(sender)
        if (Option.isNone(key)) {
          // Nobody to answer or to attribute it to; Meta never sends this, so it is only logged.
          yield* Effect.logWarning("A message without a sender was dropped", { kind: event._tag })
          continue
        }
        if (DateTime.toEpochMillis(event.timestamp) < oldestActedOn) {
          stale.push(recordOf(event, sender, encodeInbound(event), now))
        } else {
          arrivals.push(arrivalOf(event, sender, key.value, yield* ids.uuid, now))
        }
      } else if (event._tag === "DeliveryStatus") {
        statuses.push(event)
      } else {
        const problem: WebhookProblem = event
        yield* Effect.logWarning("WhatsApp reported a problem", { code: problem.code, title: problem.title })
      }
    }

    const recorded = arrivals.length === 0 ? [] : yield* inbound.recordArrivals(arrivals)
    if (stale.length > 0) {
      const unanswered = yield* inbound.recordUnanswered(stale, new Date(now))
      yield* Effect.logWarning("Messages older than Meta's redeliveries taken without an answer", { count: stale.length, new: unanswered })
    }
    if (statuses.length > 0) yield* recordStatuses(statuses)
    if (recorded.length > 0) {
      yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.handOver(recorded.map((arrival) => arrival.event)))
    }
    const summary: IngestSummary = {
      accepted: recorded.length,
      duplicates: arrivals.length - recorded.length,
      stale: stale.length,
      statuses: statuses.length
    }
    return summary
  })

/** Delivery statuses move our outbound intents on; a refusal for the 24-hour window holds them. */
const recordStatuses = (statuses: ReadonlyArray<DeliveryStatus>) =>
  Effect.gen(function* () {
    const unitOfWork = yield* UnitOfWork
    const outbound = yield* OutboundMessages
    const receivedAt = new Date(yield* Clock.currentTimeMillis)
    const recordStatus = (event: DeliveryStatus) =>
      outbound
        .recordStatus(
          event.messageId,
          event.status,
          DateTime.toDate(event.timestamp),
          Option.fromNullable(event.errors[0]?.code),
          statusClaimOf(event.callbackData, receivedAt)
        )
        .pipe(
          Effect.flatMap((applied) =>
            Option.isSome(applied) &&
            event.status === "failed" &&
            event.errors.some((error) => error.code === outsideWindowErrorCode)
              ? awaitCustomerServiceWindow(applied.value)
              : Effect.void
          )
        )
    yield* unitOfWork.transaction(Effect.forEach(statuses, recordStatus, { discard: true }))
  })
