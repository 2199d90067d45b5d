import { Clock, Duration, Effect, Option } from "effect"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { limits } from "../../domain/messages/limits.js"
import { AttentionItems, AttentionNote } from "../ports/AttentionItems.js"
import { Ids } from "../ports/Ids.js"
import { InboundMessages } from "../ports/InboundMessages.js"
import { OutboundMessages } from "../ports/OutboundMessages.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { Users } from "../ports/Users.js"
import { reengagementTemplateFor } from "../messaging/reengagementTemplate.js"
import { requireAttentionItem } from "./closeAttention.js"
import { NobodyToAnswer, ReplyRefused } from "./SupportErrors.js"

/** WhatsApp's customer-service window: free-form messages only this long after the person last wrote. */
const customerServiceWindow = Duration.hours(24)

export interface SupportReply {
  readonly number: number
  readonly text: string
  /** Who answered, as the note records it. */
  readonly author: string
}

export interface ReplyQueued {
  /** `text` inside the window; `template` outside it, the text following once the person answers. */
  readonly delivery: "text" | "template"
  readonly note: AttentionNote
}

/**
 * Support answers an item's person through the bot's number: the reply is queued as the
 * conversation queues its messages, and the running bot's sender delivers it, in order with the
 * rest. Inside the 24-hour window it goes as text. Outside it, the re-engagement template goes
 * first and the text waits, held like any message refused for the window, until the person writes
 * back. The reply is noted on the item, in the same transaction.
 */
export const replyToAttention = (reply: SupportReply) =>
  Effect.gen(function* () {
    if (reply.text.trim().length === 0) return yield* new ReplyRefused({ why: "it is empty" })
    if (reply.text.length > limits.textBody) {
      return yield* new ReplyRefused({ why: `a WhatsApp text holds at most ${limits.textBody} characters, this has ${reply.text.length}` })
    }
    const item = yield* requireAttentionItem(reply.number)
    if (Option.isNone(item.userId)) {
      return yield* new NobodyToAnswer({ number: reply.number, why: "it concerns no one person" })
    }
    const userId = item.userId.value
    const ids = yield* Ids
    return yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(
        Effect.gen(function* () {
          const users = yield* Users
          // In line with the bot's own decisions for this person.
          yield* users.lock(userId)
          const user = yield* users.get(userId)
          if (Option.isNone(user)) return yield* new NobodyToAnswer({ number: reply.number, why: "the person's data was erased" })
          const now = new Date(yield* Clock.currentTimeMillis)
          const last = yield* Effect.flatMap(InboundMessages, (inbound) => inbound.recentForUser(userId, 1))
          const inside =
            last[0] !== undefined && now.getTime() - last[0].receivedAt.getTime() < Duration.toMillis(customerServiceWindow)
          const recipient = { waId: user.value.waId, bsuid: user.value.bsuid }
          const text = { id: yield* ids.uuid, userId, recipient, message: OutgoingMessage.Text({ body: reply.text }), createdAt: now }
          const outbound = yield* OutboundMessages
          if (inside) {
            yield* outbound.enqueue([text])
          } else {
            const template = yield* reengagementTemplateFor(userId)
            yield* outbound.enqueue([{ id: yield* ids.uuid, userId, recipient, message: template, createdAt: now }, text])
            // Everything but the template waits for the person's answer, as the sender does on 131047.
            yield* outbound.holdForWindow(userId)
          }
          const delivery: ReplyQueued["delivery"] = inside ? "text" : "template"
          const note = new AttentionNote({
            at: now,
            author: reply.author,
            text: inside ? `Replied: ${reply.text}` : `Replied (outside the 24-hour window: template sent, text sent once they write back): ${reply.text}`
          })
          yield* Effect.flatMap(AttentionItems, (items) => items.addNote(reply.number, note))
          const queued: ReplyQueued = { delivery, note }
          return queued
        })
      )
    )
  })
