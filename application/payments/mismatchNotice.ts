import { Clock, Effect, Option, Schema } from "effect"
import { phrasesFor } from "../../domain/catalogue/Catalogue.js"
import { defaultLanguage, Language } from "../../domain/catalogue/Language.js"
import { textMessage } from "../../domain/catalogue/messages.js"
import type { UserId } from "../../domain/ids.js"
import { Ids } from "../ports/Ids.js"
import { OutboundMessages } from "../ports/OutboundMessages.js"
import type { StorageUnavailable } from "../ports/StorageUnavailable.js"
import { Users } from "../ports/Users.js"

/** Only the language is read from the stored conversation, whatever else its shape holds. */
const languageOf = Schema.decodeUnknownOption(Schema.Struct({ language: Language }))

/**
 * Queues the catalogue's "the payment didn't match your order" to the user, in their language.
 * False when the user is gone (erased since the order): the operator still hears of it.
 */
export const queueMismatchNotice = (userId: UserId): Effect.Effect<boolean, StorageUnavailable, Users | OutboundMessages | Ids> =>
  Effect.gen(function* () {
    const users = yield* Users
    const user = yield* users.get(userId)
    if (Option.isNone(user)) return false
    const conversation = yield* users.loadConversation(userId)
    const language = conversation.pipe(
      Option.flatMap(languageOf),
      Option.match({ onNone: () => defaultLanguage, onSome: ({ language }) => language })
    )
    const outbound = yield* OutboundMessages
    yield* outbound.enqueue([
      {
        id: yield* Effect.flatMap(Ids, (ids) => ids.uuid),
        userId,
        recipient: { waId: user.value.waId, bsuid: user.value.bsuid },
        message: textMessage(phrasesFor(language).paymentMismatch),
        createdAt: new Date(yield* Clock.currentTimeMillis)
      }
    ])
    return true
  })
