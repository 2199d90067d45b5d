import { Effect, Option } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import type { UserId } from "../../domain/ids.js"
import { eventRecord } from "../events/eventRecord.js"
import { senderKeysOf } from "../messaging/senderKey.js"
import { AttentionItems } from "../ports/AttentionItems.js"
import { Deliveries } from "../ports/Deliveries.js"
import { EventBroker } from "../ports/EventBroker.js"
import { FailedEvents } from "../ports/FailedEvents.js"
import { Feedback } from "../ports/Feedback.js"
import { InboundMessages } from "../ports/InboundMessages.js"
import { Orders } from "../ports/Orders.js"
import { OutboundMessages } from "../ports/OutboundMessages.js"
import { Outbox } from "../ports/Outbox.js"
import { PaymentRecords } from "../ports/PaymentRecords.js"
import { Photos } from "../ports/Photos.js"
import { StorageUnavailable } from "../ports/StorageUnavailable.js"
import { Tunes } from "../ports/Tunes.js"
import { Users } from "../ports/Users.js"
import { pseudonym } from "./pseudonym.js"

/**
 * The broker's copies of the key's events (bodies hold their words). Where no broker is wired (a
 * command run beside the bot), the queue is left to the bot's own erase; a broker that cannot
 * answer fails the erase, to be retried, as storage does.
 */
const forgetQueued = (key: string) =>
  Effect.flatMap(Effect.serviceOption(EventBroker), (broker) =>
    Option.match(broker, {
      onNone: () => Effect.void,
      onSome: (found) =>
        Effect.mapError(found.forgetKey(key), (error) => new StorageUnavailable({ reason: error.reason }))
    })
  )

export interface ErasureReport {
  readonly photos: number
  readonly messages: number
  readonly orders: number
  readonly tunes: number
}

/**
 * Erases everything about a person, inside the caller's transaction: photos, history, orders,
 * ratings and feedback, their help requests and other attention items, models, the user row (with
 * their photo consent) and its conversation, and their events in the outbox,
 * the failed events and the broker's queue. Payments stay for accounting,
 * under a one-way hash. Their tunes on Astria are deleted by the `UserErasedEvent` consumer, which
 * carries only that hash. Erasing twice finds nothing the second time.
 */
export const eraseUser = (userId: UserId) =>
  Effect.gen(function* () {
    const reference = yield* pseudonym(userId)
    const user = yield* Effect.flatMap(Users, (port) => port.get(userId))
    const tunes = yield* Effect.flatMap(Tunes, (port) => port.listForUser(userId))
    const photos = yield* Effect.flatMap(Photos, (port) => port.deleteForUser(userId))
    const inbound = yield* Effect.flatMap(InboundMessages, (port) => port.deleteForUser(userId))
    const outbound = yield* Effect.flatMap(OutboundMessages, (port) => port.deleteForUser(userId))
    yield* Effect.flatMap(Deliveries, (port) => port.deleteForUser(userId))
    const orders = yield* Effect.flatMap(Orders, (port) => port.deleteForUser(userId))
    yield* Effect.flatMap(Feedback, (port) => port.deleteForUser(userId))
    yield* Effect.flatMap(AttentionItems, (port) => port.deleteForUser(userId))
    yield* Effect.flatMap(Tunes, (port) => port.deleteForUser(userId))
    yield* Effect.flatMap(PaymentRecords, (port) => port.pseudonymizeUser(userId, reference))
    // Their first messages' events were keyed by their identity, before they were a user.
    const keys = [userId, ...Option.match(user, { onNone: () => [], onSome: (found) => senderKeysOf(found) })]
    yield* Effect.forEach(
      keys,
      (key) =>
        Effect.all(
          [
            Effect.flatMap(Outbox, (port) => port.deleteForKey(key)),
            Effect.flatMap(FailedEvents, (port) => port.deleteForKey(key)),
            forgetQueued(key)
          ],
          { discard: true }
        ),
      { discard: true }
    )
    yield* Effect.flatMap(Users, (port) => port.erase(userId))
    if (tunes.length > 0) {
      const event = yield* eventRecord(
        BotEvents.UserErased,
        reference,
        { userId: reference, tuneIds: tunes.map((tune) => tune.id) },
        "message"
      )
      yield* Effect.flatMap(Outbox, (port) => port.add([event]))
    }
    const report: ErasureReport = { photos, messages: inbound + outbound, orders, tunes: tunes.length }
    yield* Effect.logInfo("User erased", report)
    return report
  })
