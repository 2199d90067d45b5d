import { Effect, Option, Schema } from "effect"
import { Users } from "../../../../application/ports/Users.js"
import { Conversation, newConversation } from "../../../../domain/conversation/Conversation.js"
import type { UserId } from "../../../../domain/ids.js"

const decode = Schema.decodeUnknownOption(Conversation)

/**
 * The user's conversation as the bot would read it: a user who never got past the first webhook
 * has none stored yet, and one that no longer decodes is started afresh by the bot too.
 */
export const conversationOf = (userId: UserId) =>
  Effect.map(Effect.flatMap(Users, (users) => users.loadConversation(userId)), (stored) =>
    Option.getOrElse(Option.flatMap(stored, decode), () => newConversation())
  )
