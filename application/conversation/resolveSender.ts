import { Effect, Option } from "effect"
import type { InboundMessageEvent } from "../../contracts/whatsapp/InboundEvent.js"
import { UserId, WhatsAppMessageId } from "../../domain/ids.js"
import { Ids } from "../ports/Ids.js"
import { InboundMessages } from "../ports/InboundMessages.js"
import { OutboundMessages } from "../ports/OutboundMessages.js"
import { UserRecord, Users } from "../ports/Users.js"

/**
 * Who wrote a message: the user found by the sender's identities (or made for a first message),
 * who now owns it, locked and read with their conversation. Their writing reopens the 24-hour
 * window, so what waited for it goes out; a number change moves their number. None when the user
 * found was erased meanwhile. Runs in the conversation's transaction.
 *
 * `eventKey` is the key of the message's event: the sender's user id when the webhook already
 * knew them, and then the message was stored as theirs.
 */
export const resolveSender = (message: InboundMessageEvent, eventKey: string, now: Date) =>
  Effect.gen(function* () {
    const users = yield* Users
    const newId = UserId.make(yield* Effect.flatMap(Ids, (ids) => ids.uuid))
    const resolved = yield* users.resolveLocked(
      {
        waId: Option.fromNullable(message.sender.waId),
        bsuid: Option.fromNullable(message.sender.userId),
        profileName: Option.fromNullable(message.sender.profileName)
      },
      newId,
      now
    )
    if (Option.isNone(resolved)) return Option.none()
    const { user, created, conversation, repliesHeld } = resolved.value
    if (eventKey !== user.id) {
      yield* Effect.flatMap(InboundMessages, (inbound) => inbound.attribute(WhatsAppMessageId.make(message.messageId), user.id))
    }
    const released = repliesHeld ? yield* Effect.flatMap(OutboundMessages, (outbound) => outbound.releaseHeld(user.id)) : 0
    const current =
      message._tag === "NumberChanged" && message.newWaId !== undefined
        ? yield* Effect.as(users.changeNumber(user.id, message.newWaId), new UserRecord({ ...user, waId: Option.some(message.newWaId) }))
        : user
    return Option.some({ user: current, created, conversation, releasedHeld: released > 0 })
  })
