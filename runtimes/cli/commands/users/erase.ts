import { Command } from "@effect/cli"
import { Console, Effect } from "effect"
import { Ids } from "../../../../application/ports/Ids.js"
import { InboundMessages } from "../../../../application/ports/InboundMessages.js"
import { Orders } from "../../../../application/ports/Orders.js"
import { Photos } from "../../../../application/ports/Photos.js"
import { Tunes } from "../../../../application/ports/Tunes.js"
import { UnitOfWork } from "../../../../application/ports/UnitOfWork.js"
import { Users } from "../../../../application/ports/Users.js"
import { eraseUser } from "../../../../application/privacy/eraseUser.js"
import { ConfirmationRequired } from "../../CliErrors.js"
import { printJson } from "../../output/table.js"
import { json, userId, yes } from "../options.js"
import { requireUser } from "./requireUser.js"

/**
 * The same erasure as the chat's "Delete my data": one transaction under the user's lock, payments
 * kept under a one-way hash, and the Astria models deleted by the bot once it relays the
 * `UserErasedEvent` this writes to the outbox.
 */
export const usersErase = Command.make("erase", { userId, yes, json }, (options) =>
  Effect.gen(function* () {
    if (!options.yes) {
      const user = yield* requireUser(options.userId)
      const photos = yield* Effect.flatMap(Photos, (port) => port.countForUser(user.id))
      const messages = yield* Effect.flatMap(InboundMessages, (port) => port.countForUser(user.id))
      const orders = yield* Effect.flatMap(Orders, (port) => port.listForUser(user.id))
      const tunes = yield* Effect.flatMap(Tunes, (port) => port.listForUser(user.id))
      yield* Console.log(
        `Erasing user ${user.id} would delete ${photos} photo(s), ${messages} message(s), ${orders.length} order(s) and ${tunes.length} model(s), with their ratings and feedback. Payments are kept under a one-way hash. This cannot be undone.`
      )
      return yield* new ConfirmationRequired({ action: `erase user ${user.id} for good` })
    }
    const report = yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(
        Effect.gen(function* () {
          yield* Effect.flatMap(Users, (users) => users.lock(options.userId))
          yield* requireUser(options.userId)
          return yield* eraseUser(options.userId)
        })
      )
    )
    if (options.json) return yield* printJson({ userId: options.userId, ...report })
    yield* Console.log(
      `User ${options.userId} erased: ${report.photos} photo(s), ${report.messages} message(s), ${report.orders} order(s), ${report.tunes} model(s).` +
        (report.tunes > 0 ? " The running bot deletes the models on Astria when it relays the erasure event." : "")
    )
  })
).pipe(
  Command.provide(Ids.random),
  Command.withDescription(
    "Erase everything about a user, as the chat's \"Delete my data\" does (payments kept under a one-way hash). Needs --yes"
  )
)
