import { Clock, Effect, Option } from "effect"
import { isUrgent } from "../../domain/attention/AttentionReason.js"
import type { AttentionReason } from "../../domain/attention/AttentionReason.js"
import type { OrderId } from "../../domain/ids.js"
import { UserId } from "../../domain/ids.js"
import { AttentionItems, NewAttentionItem } from "../ports/AttentionItems.js"
import type { AttentionItem, ConversationLine } from "../ports/AttentionItems.js"
import { OutboundWakeup } from "../events/Wakeup.js"
import { Ids } from "../ports/Ids.js"
import { OutboundMessages } from "../ports/OutboundMessages.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { Users } from "../ports/Users.js"
import { SupportSettings } from "../settings/SupportSettings.js"

export interface AttentionRequest {
  readonly reason: AttentionReason
  /** For support; never a phone number. */
  readonly detail: string
  readonly userId?: UserId
  readonly orderId?: OrderId
  readonly stage?: string
  readonly context?: ReadonlyArray<ConversationLine>
  /** One open item per key: a cause hitting many orders at once is told once. */
  readonly dedupeKey?: string
}

export interface RaisedAttention {
  readonly item: AttentionItem
  /** False when an open item with the same key already stood for it: nobody was told again. */
  readonly opened: boolean
  /** Whether a WhatsApp message to support was queued (the caller wakes the sender). */
  readonly supportMessageQueued: boolean
}

/** The note support reads on WhatsApp: the item's reference, never the person's number. */
export const supportNotice = (item: AttentionItem): string =>
  `${item.urgent ? "URGENT: " : ""}Support needed #${item.number} (${item.reason})` +
  Option.match(item.orderId, { onNone: () => "", onSome: (order) => `, order ${order}` }) +
  Option.match(item.stage, { onNone: () => "", onSome: (stage) => `, stage ${stage}` }) +
  `: ${item.detail}`

/**
 * The one way anything asks a person on our side to act: an attention item is opened (the record
 * the CLI lists, shows and closes), and support hears of it on WhatsApp with its reference. Run it
 * inside the caller's transaction, so the item and the message are written with the decision.
 * Support is a WhatsApp contact of its own, with its own queue: a support number outside its
 * 24-hour window then holds only its own messages, never the customer's.
 */
export const raiseAttention = (request: AttentionRequest) =>
  Effect.gen(function* () {
    const ids = yield* Ids
    const now = new Date(yield* Clock.currentTimeMillis)
    const { item, opened } = yield* Effect.flatMap(AttentionItems, (items) =>
      Effect.flatMap(ids.uuid, (id) =>
        items.open(
          new NewAttentionItem({
            id,
            reason: request.reason,
            urgent: isUrgent(request.reason),
            userId: Option.fromNullable(request.userId),
            orderId: Option.fromNullable(request.orderId),
            stage: Option.fromNullable(request.stage),
            detail: request.detail,
            dedupeKey: Option.fromNullable(request.dedupeKey),
            context: request.context ?? [],
            openedAt: now
          })
        )
      )
    )
    const log = opened ? Effect.logWarning("Support needed") : Effect.logInfo("Support already told of this")
    yield* log.pipe(Effect.annotateLogs({ attention: item.number, reason: item.reason }))
    const support = yield* SupportSettings
    if (!opened || Option.isNone(support.whatsAppNumber)) {
      const raised: RaisedAttention = { item, opened, supportMessageQueued: false }
      return raised
    }
    const contact = yield* Effect.flatMap(Users, (users) =>
      Effect.flatMap(ids.uuid, (newId) =>
        users.resolve(
          { waId: support.whatsAppNumber, bsuid: Option.none(), profileName: Option.some("Support") },
          UserId.make(newId),
          now
        )
      )
    )
    yield* Effect.flatMap(OutboundMessages, (outbound) =>
      Effect.flatMap(ids.uuid, (id) =>
        outbound.enqueue([
          {
            id,
            userId: contact.user.id,
            recipient: { waId: support.whatsAppNumber, bsuid: Option.none() },
            message: { _tag: "Text", body: supportNotice(item).slice(0, 4096) },
            createdAt: now
          }
        ])
      )
    )
    const raised: RaisedAttention = { item, opened, supportMessageQueued: true }
    return raised
  })

/**
 * `raiseAttention` in a transaction of its own, the sender woken when support is to hear of it:
 * for a worker that raises an incident outside any decision (the sender, the operations watch).
 */
export const raiseAttentionNow = (request: AttentionRequest) =>
  Effect.gen(function* () {
    const raised = yield* Effect.flatMap(UnitOfWork, (unitOfWork) => unitOfWork.transaction(raiseAttention(request)))
    if (raised.supportMessageQueued) yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)
    return raised
  })
