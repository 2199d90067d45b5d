import { Effect, Option } from "effect"
import type { InboundMessageEvent } from "../../contracts/whatsapp/InboundEvent.js"
import { UserId, WhatsAppMessageId } from "../../domain/ids.js"
import { Ids } from "../ports/Ids.js"
import { InboundMessages } from "../ports/InboundMessages.js"
import { OutboundMessages } from "../ports/OutboundMessages.js"
import { Users } from "../ports/Users.js"

/**
 * Who wrote a message: the user found by the sender's identities (or made for a first message),
 * who now owns it. Their writing reopens the 24-hour window, so what waited for it goes out; a
 * number change moves their number. Runs in the conversation's transaction.
 */
export const resolveSender = (message: InboundMessageEvent, now: Date) =>
  Effect.gen(function* () {
    const users = yield* Users
    const outbound = yield* OutboundMessages
    const newId = UserId.make(yield* Effect.flatMap(Ids, (ids) => ids.uuid))
    const { user } = yield* users.resolve(
      {
        waId: Option.fromNullable(message.sender.waId),
        bsuid: Option.fromNullable(message.sender.userId),
        profileName: Option.fromNullable(message.sender.profileName)
      },
      newId,
      now
    )
    yield* Effect.flatMap(InboundMessages, (inbound) => inbound.attribute(WhatsAppMessageId.make(message.messageId), user.id))
    const released = yield* outbound.releaseHeld(user.id)
    if (message._tag === "NumberChanged" && message.newWaId !== undefined) {
      yield* users.changeNumber(user.id, message.newWaId)
    }
    return { userId: user.id, releasedHeld: released > 0 }
  })
