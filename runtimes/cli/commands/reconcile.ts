import { Command } from "@effect/cli"
import { Console, Effect, Layer } from "effect"
import { OutboxWakeup } from "../../../application/events/Wakeup.js"
import { Ids } from "../../../application/ports/Ids.js"
import { ReconcilerSettings, reconcileOverdueOrders } from "../../../application/training/reconcileOverdueOrders.js"
import { printJson, renderDetails } from "../output/table.js"
import { json } from "./options.js"

/**
 * One round of the reconciler, now. What it records goes through the outbox: the running bot's
 * relay publishes it on its next poll (this process has no relay to wake).
 */
export const reconcile = Command.make("reconcile", { json }, (options) =>
  Effect.gen(function* () {
    const report = yield* reconcileOverdueOrders
    if (options.json) return yield* printJson(report)
    yield* Console.log(
      renderDetails([
        ["Overdue orders checked", String(report.checked)],
        ["Completed from Astria", String(report.completed)],
        ["Prompts recorded", String(report.promptsRecorded)],
        ["Trainings requested again", String(report.trainingRequestedAgain)]
      ])
    )
  })
).pipe(
  Command.provide(Layer.mergeAll(ReconcilerSettings.fromConfig, Ids.random, OutboxWakeup.layer)),
  Command.withDescription(
    "Ask Astria now about orders whose callback is overdue (RECONCILER_GRACE past their ETA, default 10m) and request training again for paid orders with no tune (ASTRIA_API_KEY)"
  )
)
