import { Effect, Option } from "effect"
import { Users } from "../../../../application/ports/Users.js"
import type { UserId } from "../../../../domain/ids.js"
import { UserNotFound } from "../../CliErrors.js"

export const requireUser = (userId: UserId) =>
  Effect.flatMap(Users, (users) => users.get(userId)).pipe(
    Effect.flatMap(Option.match({ onNone: () => Effect.fail(new UserNotFound({ userId })), onSome: Effect.succeed }))
  )
