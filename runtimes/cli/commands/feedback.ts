import { Command } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { Feedback } from "../../../application/ports/Feedback.js"
import { formatTime, truncate } from "../output/format.js"
import { printJson, renderTable } from "../output/table.js"
import { group, json } from "./options.js"

const feedbackList = Command.make("list", { json }, (options) =>
  Effect.gen(function* () {
    const waiting = yield* Effect.flatMap(Feedback, (port) => port.awaitingSupport)
    if (options.json) {
      return yield* printJson(
        waiting.map((item) => ({
          id: item.id,
          userId: item.userId,
          orderId: Option.getOrNull(item.orderId),
          at: item.at.toISOString(),
          text: item.text
        }))
      )
    }
    yield* Console.log(
      renderTable(
        waiting,
        [
          { header: "AT", value: (item) => formatTime(item.at) },
          { header: "USER", value: (item) => item.userId },
          { header: "ORDER", value: (item) => Option.getOrElse(item.orderId, () => "-") },
          { header: "FEEDBACK", value: (item) => truncate(item.text, 70) }
        ],
        "No feedback waiting for support."
      )
    )
  })
).pipe(Command.withDescription("Written feedback after a low rating, waiting for support (--json for the whole text)"))

export const feedback = group("feedback", "Feedback from users", ["list"]).pipe(Command.withSubcommands([feedbackList]))
