import { Command } from "@effect/cli"
import { Clock, Console, Effect } from "effect"
import { Outbox } from "../../../application/ports/Outbox.js"
import { formatAge, formatTime } from "../output/format.js"
import { printJson, renderDetails } from "../output/table.js"
import { group, json } from "./options.js"

const outboxStatus = Command.make("status", { json }, (options) =>
  Effect.gen(function* () {
    const stats = yield* Effect.flatMap(Outbox, (outbox) => outbox.stats)
    const now = new Date(yield* Clock.currentTimeMillis)
    if (options.json) {
      return yield* printJson({
        pending: stats.pending,
        published: stats.published,
        oldestPendingAt: stats.oldestPendingAt?.toISOString() ?? null
      })
    }
    yield* Console.log(
      renderDetails([
        ["Pending", String(stats.pending)],
        ["Published (kept)", String(stats.published)],
        [
          "Oldest pending",
          stats.oldestPendingAt === undefined
            ? "-"
            : `${formatTime(stats.oldestPendingAt)} (${formatAge(stats.oldestPendingAt, now)} ago)`
        ]
      ])
    )
  })
).pipe(
  Command.withDescription(
    "Events waiting to be published to the broker; an old pending event means no relay is running or the broker refuses"
  )
)

export const outbox = group("outbox", "The transactional outbox", ["status"]).pipe(Command.withSubcommands([outboxStatus]))
