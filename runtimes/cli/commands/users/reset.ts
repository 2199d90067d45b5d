import { Command } from "@effect/cli"
import { Console, Effect, Schema } from "effect"
import { Photos } from "../../../../application/ports/Photos.js"
import { UnitOfWork } from "../../../../application/ports/UnitOfWork.js"
import { Users } from "../../../../application/ports/Users.js"
import { Conversation, newConversation } from "../../../../domain/conversation/Conversation.js"
import { ConfirmationRequired } from "../../CliErrors.js"
import { json, userId, yes } from "../options.js"
import { printJson } from "../../output/table.js"
import { conversationOf } from "./conversationOf.js"
import { requireUser } from "./requireUser.js"

const encode = Schema.encode(Conversation)

/**
 * Starts the person's conversation over: stage New, their photos deleted. Their language, their
 * consent to keep photos and the conversation's orders stay: an order paid or in training must still be delivered, and the
 * decider ignores reports about orders it does not know. Under the user's lock, so it does not
 * interleave with an event the bot is handling for them.
 */
export const usersReset = Command.make("reset", { userId, yes, json }, (options) =>
  Effect.gen(function* () {
    if (!options.yes) {
      const user = yield* requireUser(options.userId)
      const conversation = yield* conversationOf(user.id)
      const photos = yield* Effect.flatMap(Photos, (port) => port.countForUser(user.id))
      yield* Console.log(
        `User ${user.id} is at ${conversation.stage} with ${photos} stored photo(s). Reset would delete the photos and start the conversation again at New.`
      )
      return yield* new ConfirmationRequired({ action: `reset user ${user.id}` })
    }
    const outcome = yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.lock(options.userId)
          yield* requireUser(options.userId)
          const before = yield* conversationOf(options.userId)
          const photosDeleted = yield* Effect.flatMap(Photos, (port) => port.deleteForUser(options.userId))
          // The consent to keep photos, recorded on the user, still stands: the next photo is not asked about.
          const fresh = yield* encode({
            ...newConversation(before.language),
            photoConsent: before.photoConsent,
            orders: before.orders
          }).pipe(Effect.orDie)
          yield* users.saveConversation(options.userId, fresh)
          return { userId: options.userId, previousStage: before.stage, photosDeleted }
        })
      )
    )
    yield* Effect.logInfo("User reset").pipe(Effect.annotateLogs({ userId: outcome.userId, photosDeleted: outcome.photosDeleted }))
    if (options.json) return yield* printJson(outcome)
    yield* Console.log(
      `User ${outcome.userId} reset: ${outcome.previousStage} -> New, ${outcome.photosDeleted} photo(s) deleted.`
    )
  })
).pipe(
  Command.withDescription(
    "Start a user's conversation over at New and delete their photos (language, orders, models and payments stay). Needs --yes"
  )
)
