import { Effect, Metric } from "effect"
import type { Subscription } from "../ports/EventBroker.js"

/**
 * The bot's metrics, named once, Prometheus style (`bot_..._total` for counters). Counters are
 * counted where the thing happens; the gauges are set from storage just before they are read
 * (`readStoredState.ts`), so every process reports the same stored state. The README lists them.
 */

const counter = (name: string, description: string) => Metric.counter(name, { description, incremental: true })

export const webhooksReceived = counter("bot_webhooks_received_total", "Webhooks received, by webhook (whatsapp, payment)")
export const webhooksRefused = counter("bot_webhooks_refused_total", "Webhooks refused, by webhook and reason")
export const otherNumberEvents = counter(
  "bot_webhook_other_number_events_total",
  "Webhook events for another phone_number_id of the business account, ignored, by that number"
)
export const eventsQueued = counter("bot_events_queued_total", "Events published to the broker, by the subscription they reach")
export const eventsLeased = counter("bot_events_leased_total", "Deliveries of events taken by this process's consumers, by subscription")
export const graphApiErrors = counter("bot_graph_api_errors_total", "Failed WhatsApp Graph API calls, by Meta's error code (http_<status> without one; unreachable)")
export const astriaErrors = counter("bot_astria_errors_total", "Failed Astria calls, by HTTP status (unreachable, timeout)")
export const photoVerdicts = counter("bot_photo_verdicts_total", "Photos judged, by verdict (accepted, or the reason refused)")
export const pacingWaits = counter("bot_pacing_waits_total", "Sends that waited for the recipient's turn (Meta's pair rate)")
export const pacingWaitSeconds = counter("bot_pacing_wait_seconds_total", "Seconds sends waited for the recipient's turn")

export const eventsDead = Metric.gauge("bot_events_dead", { description: "Dead letters on the broker, by subscription" })
export const eventQueueWaiting = Metric.gauge("bot_event_queue_waiting", {
  description: "Events waiting in the Postgres broker's queue (a retry's delay included), by subscription"
})
export const eventQueueLeased = Metric.gauge("bot_event_queue_leased", { description: "Events being handled now (leased), by subscription" })
export const eventQueueOldestSeconds = Metric.gauge("bot_event_queue_oldest_seconds", {
  description: "How long the oldest event in a subscription's queue has been there (0 when none)"
})
export const outboxPending = Metric.gauge("bot_outbox_pending", { description: "Events stored and not yet published to the broker" })
export const outboundIntents = Metric.gauge("bot_outbound_intents", { description: "Outbound messages stored, by state" })
export const outboundOldestPendingSeconds = Metric.gauge("bot_outbound_oldest_pending_seconds", {
  description: "Age of the oldest outbound message still to be sent (0 when none)"
})
export const repliesHeldForWindow = Metric.gauge("bot_replies_held_for_window", {
  description: "Replies held until the person writes again (the 24-hour window closed)"
})
export const ordersByStatus = Metric.gauge("bot_orders", { description: "Orders, by status" })
export const ordersOldestInStatusSeconds = Metric.gauge("bot_orders_oldest_in_status_seconds", {
  description: "Of the orders in an open status, how long the oldest has been in it (0 when none)"
})

/** The events a batch puts on each subscription that takes their type. */
export const countQueued = (events: ReadonlyArray<{ readonly eventType: string }>, subscriptions: ReadonlyArray<Subscription>) =>
  Effect.forEach(
    subscriptions,
    (subscription) => {
      const reaching = events.filter((event) => subscription.eventTypes.includes(event.eventType)).length
      return reaching === 0 ? Effect.void : Metric.incrementBy(Metric.tagged(eventsQueued, "subscription", subscription.name), reaching)
    },
    { discard: true }
  )

export const countLeased = (subscription: string) => Metric.increment(Metric.tagged(eventsLeased, "subscription", subscription))

export const countWebhookReceived = (webhook: "whatsapp" | "payment") => Metric.increment(Metric.tagged(webhooksReceived, "webhook", webhook))

export const countWebhookRefused = (webhook: "whatsapp" | "payment", reason: string) =>
  Metric.increment(Metric.tagged(Metric.tagged(webhooksRefused, "webhook", webhook), "reason", reason))

/** A signature check's outcome as a refusal reason: `Mismatch` is `signature_mismatch`, `OutsideTolerance` `signature_outside_tolerance`. */
export const signatureRefusal = (outcome: string) => `signature${outcome.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`

export const countOtherNumberEvent = (phoneNumberId: string) => Metric.increment(Metric.tagged(otherNumberEvents, "phone_number_id", phoneNumberId))

export const countGraphApiError = (code: string) => Metric.increment(Metric.tagged(graphApiErrors, "code", code))

export const countAstriaError = (code: string) => Metric.increment(Metric.tagged(astriaErrors, "code", code))

export const countPhotoVerdict = (verdict: string) => Metric.increment(Metric.tagged(photoVerdicts, "verdict", verdict))

/** One send's wait for its recipient's turn; a send that did not wait is not counted. */
export const countPacingWait = (waitedMillis: number) =>
  waitedMillis <= 0 ? Effect.void : Effect.zipRight(Metric.increment(pacingWaits), Metric.incrementBy(pacingWaitSeconds, waitedMillis / 1000))
