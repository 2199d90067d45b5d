import { Clock, Config, Context, Duration, Effect, Layer, Option, Schedule } from "effect"
import { OutboxWakeup } from "../events/Wakeup.js"
import { Orders, type OrderRecord } from "../ports/Orders.js"
import { Outbox } from "../ports/Outbox.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { reconcileOrder } from "./reconcileOrder.js"
import { recordAstriaUpdates } from "./recordAstriaUpdates.js"
import { trainingRequested } from "./retryOrder.js"

export interface ReconcilerSettingsShape {
  /** How long past its ETA an order waits for its callback before Astria is asked. */
  readonly grace: Duration.Duration
  readonly interval: Duration.Duration
}

export class ReconcilerSettings extends Context.Tag("whatsapp-astria-bot/ReconcilerSettings")<
  ReconcilerSettings,
  ReconcilerSettingsShape
>() {
  static readonly fromConfig = Layer.effect(
    this,
    Config.all({
      grace: Config.duration("RECONCILER_GRACE").pipe(Config.withDefault(Duration.minutes(10))),
      interval: Config.duration("RECONCILER_INTERVAL").pipe(Config.withDefault(Duration.minutes(1)))
    })
  )
}

export interface ReconcilerReport {
  readonly checked: number
  readonly completed: number
  readonly promptsRecorded: number
  readonly trainingRequestedAgain: number
}

/** A paid order whose tune never came to be: training is requested again (creates look the tune up by title first). */
const requestTrainingAgain = (order: OrderRecord) =>
  Effect.gen(function* () {
    const event = yield* trainingRequested(order)
    yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(Effect.flatMap(Outbox, (outbox) => outbox.add([event])))
    )
  })

/**
 * Astria's callbacks are never retried, so a lost one would leave a person waiting forever. For
 * each order whose callback is overdue (training or delivering) this asks Astria what the callback
 * would have said and records it through the same idempotent path (each prompt reaches the person
 * once, even when a late callback races this; the last images mark the order delivered). Orders
 * paid long ago with no tune get their training requested again.
 */
export const reconcileOverdueOrders = Effect.gen(function* () {
  const settings = yield* ReconcilerSettings
  const orders = yield* Orders
  const now = new Date(yield* Clock.currentTimeMillis)
  const overdue = yield* orders.overdue(now, Duration.toMillis(settings.grace))
  let completed = 0
  let promptsRecorded = 0
  for (const order of overdue) {
    const outcome = yield* reconcileOrder({ orderId: order.id, tuneId: order.tuneId, knownPromptIds: [] }).pipe(
      Effect.map(Option.some),
      Effect.catchAll((error) =>
        Effect.logWarning("Reconciler could not ask Astria; next round", { order: order.id, error: error._tag }).pipe(
          Effect.as(Option.none())
        )
      )
    )
    if (Option.isNone(outcome) || outcome.value._tag === "NotCreated") continue
    // The conversation marks the order delivered once these images are sent, as on the callback path.
    const recorded = yield* recordAstriaUpdates(order, outcome.value.updates)
    promptsRecorded += recorded.prompts
    if (recorded.complete) completed += 1
  }
  const stalled = (yield* orders.paidWithoutTune).filter(
    (order) => Option.exists(order.paidAt, (paidAt) => now.getTime() - paidAt.getTime() > Duration.toMillis(settings.grace))
  )
  yield* Effect.forEach(stalled, requestTrainingAgain, { discard: true })
  if (stalled.length > 0) yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.notify)
  const report: ReconcilerReport = {
    checked: overdue.length,
    completed,
    promptsRecorded,
    trainingRequestedAgain: stalled.length
  }
  if (overdue.length > 0 || stalled.length > 0) yield* Effect.logInfo("Reconciler ran", report)
  return report
})

/** The reconciler every `RECONCILER_INTERVAL`, for as long as the layer lives (where `SERVICES` has `image`). */
export const ReconcilerSchedule = Layer.scopedDiscard(
  Effect.gen(function* () {
    const settings = yield* ReconcilerSettings
    yield* reconcileOverdueOrders.pipe(
      Effect.catchAllCause((cause) => Effect.logError("Reconciler failed; it runs again", cause)),
      Effect.repeat(Schedule.spaced(settings.interval)),
      Effect.forkScoped
    )
  })
)
