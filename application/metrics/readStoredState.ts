import { Clock, Effect, Metric, Option } from "effect"
import { OrderStatus } from "../../domain/orders/OrderStatus.js"
import { EventBroker } from "../ports/EventBroker.js"
import { EventQueueReadings } from "../ports/EventQueueReadings.js"
import { IntentStatus, OutboundMessages } from "../ports/OutboundMessages.js"
import { Outbox } from "../ports/Outbox.js"
import { StoredStateReadings } from "../ports/StoredStateReadings.js"
import { botSubscriptions } from "../workers/Consumers.js"
import {
  eventQueueLeased,
  eventQueueOldestSeconds,
  eventQueueWaiting,
  eventsDead,
  ordersByStatus,
  ordersOldestInStatusSeconds,
  outboundIntents,
  outboundOldestPendingSeconds,
  outboxPending,
  repliesHeldForWindow
} from "./BotMetrics.js"

const secondsSince = (now: number, at: Option.Option<Date>) => Option.match(at, { onNone: () => 0, onSome: (date) => Math.max(0, (now - date.getTime()) / 1000) })

/**
 * Sets the gauges of stored state from storage and the broker, just before the metrics are read
 * (the queues' depths only where the broker keeps them in the database):
 * every label is set, zero included, so a count that fell to nothing reads 0 rather than its last
 * value. The same questions the operations watch asks (dead letters, the oldest pending reply).
 */
export const readStoredState = Effect.gen(function* () {
  const now = yield* Clock.currentTimeMillis
  const reading = yield* Effect.flatMap(StoredStateReadings, (readings) => readings.read)
  for (const state of IntentStatus.literals) {
    yield* Metric.set(Metric.tagged(outboundIntents, "state", state), reading.intents[state])
  }
  yield* Metric.set(repliesHeldForWindow, reading.intents.awaiting_window)
  yield* Metric.set(outboundOldestPendingSeconds, secondsSince(now, yield* Effect.flatMap(OutboundMessages, (outbound) => outbound.oldestPendingAt)))
  for (const status of OrderStatus.literals) {
    yield* Metric.set(Metric.tagged(ordersByStatus, "status", status), reading.orders[status].count)
    yield* Metric.set(Metric.tagged(ordersOldestInStatusSeconds, "status", status), secondsSince(now, reading.orders[status].oldestSince))
  }
  yield* Metric.set(outboxPending, (yield* Effect.flatMap(Outbox, (outbox) => outbox.stats)).pending)
  const queues = yield* Effect.serviceOption(EventQueueReadings)
  if (Option.isSome(queues)) {
    const depths = yield* queues.value.read
    for (const { name } of botSubscriptions) {
      const queue = depths.get(name)
      yield* Metric.set(Metric.tagged(eventQueueWaiting, "subscription", name), queue?.waiting ?? 0)
      yield* Metric.set(Metric.tagged(eventQueueLeased, "subscription", name), queue?.leased ?? 0)
      yield* Metric.set(Metric.tagged(eventQueueOldestSeconds, "subscription", name), secondsSince(now, queue?.oldestQueuedAt ?? Option.none()))
    }
  }
  const broker = yield* EventBroker
  yield* Effect.forEach(
    botSubscriptions,
    (subscription) =>
      broker.deadLetters(subscription.name).pipe(
        Effect.flatMap((letters) => Metric.set(Metric.tagged(eventsDead, "subscription", subscription.name), letters.length)),
        // A broker that cannot answer leaves the last count rather than claiming none.
        Effect.catchTag("BrokerUnavailable", () => Effect.void)
      ),
    { discard: true }
  )
})
