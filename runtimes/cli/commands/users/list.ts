import { Command } from "@effect/cli"
import { Console, Effect } from "effect"
import { Users, type UserRecord } from "../../../../application/ports/Users.js"
import { formatTime } from "../../output/format.js"
import { maskedBsuid, maskedPhone } from "../../output/mask.js"
import { printJson, renderTable } from "../../output/table.js"
import { json, limit, offset } from "../options.js"
import { conversationOf } from "./conversationOf.js"

interface Row {
  readonly user: UserRecord
  readonly stage: string
}

export const usersList = Command.make("list", { limit, offset, json }, (options) =>
  Effect.gen(function* () {
    const users = yield* Effect.flatMap(Users, (port) => port.list({ limit: options.limit, offset: options.offset }))
    const rows: ReadonlyArray<Row> = yield* Effect.forEach(users, (user) =>
      Effect.map(conversationOf(user.id), (conversation) => ({ user, stage: conversation.stage }))
    )
    if (options.json) {
      return yield* printJson(
        rows.map(({ user, stage }) => ({
          id: user.id,
          phone: maskedPhone(user.waId),
          bsuid: maskedBsuid(user.bsuid),
          stage,
          createdAt: user.createdAt.toISOString()
        }))
      )
    }
    yield* Console.log(
      renderTable(
        rows,
        [
          { header: "ID", value: ({ user }) => user.id },
          { header: "PHONE", value: ({ user }) => maskedPhone(user.waId) },
          { header: "BSUID", value: ({ user }) => maskedBsuid(user.bsuid) },
          { header: "STAGE", value: ({ stage }) => stage },
          { header: "CREATED", value: ({ user }) => formatTime(user.createdAt) }
        ],
        options.offset > 0 ? "No more users." : "No users yet."
      )
    )
  })
).pipe(Command.withDescription("List users, oldest first; phone numbers are masked"))
