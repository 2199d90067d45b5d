import { Clock, Effect } from "effect"
import { OutboundWakeup } from "../events/Wakeup.js"
import { Ids } from "../ports/Ids.js"
import { OutboundMessages, type OutboundIntent } from "../ports/OutboundMessages.js"
import { reengagementTemplateFor } from "./reengagementTemplate.js"

/**
 * WhatsApp refused `intent` because the person last wrote more than 24 hours ago: it waits, with
 * every other message for them, and the re-engagement template goes out instead. Their reply
 * reopens the window and releases what waited (see the conversation consumer).
 */
export const awaitCustomerServiceWindow = (intent: OutboundIntent) =>
  Effect.gen(function* () {
    const outbound = yield* OutboundMessages
    const before = yield* outbound.listForUser(intent.userId)
    // Already waiting for this person (Meta refuses each message of a burst, often as later
    // statuses): the template went out with the first refusal; one is enough.
    const alreadyWaiting = before.some(
      (other) =>
        other.id !== intent.id &&
        (other.status === "awaiting_window" || (other.status === "pending" && other.message._tag === "Template"))
    )
    yield* outbound.holdIntent(intent.id)
    yield* outbound.holdForWindow(intent.userId)
    if (alreadyWaiting) return
    yield* outbound.enqueue([
      {
        id: yield* Effect.flatMap(Ids, (ids) => ids.uuid),
        userId: intent.userId,
        recipient: intent.recipient,
        message: yield* reengagementTemplateFor(intent.userId),
        createdAt: new Date(yield* Clock.currentTimeMillis)
      }
    ])
    yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)
  })
