import { Clock, Duration, Effect, Option, Schedule } from "effect"
import type { AttentionReason } from "../../domain/attention/AttentionReason.js"
import { raiseAttentionNow } from "../attention/raiseAttention.js"
import { readStoredState } from "../metrics/readStoredState.js"
import { AttentionItems } from "../ports/AttentionItems.js"
import { EventBroker } from "../ports/EventBroker.js"
import { FailedEvents } from "../ports/FailedEvents.js"
import { OutboundMessages } from "../ports/OutboundMessages.js"
import { botSubscriptions } from "../workers/Consumers.js"
import { AlertSettings } from "./AlertSettings.js"

/** The incidents the watch raises, one open attention item each: told once, closed when they pass. */
export const incidentKeys = { deadLetters: "dead-letters", outboundBacklog: "outbound-backlog" } as const

export interface OperationsReport {
  readonly deadLetters: number
  readonly oldestPendingMinutes: Option.Option<number>
}

/** Opens the incident's item (support told once, in the log always), or closes it once it has passed. */
const incident = (key: string, reason: AttentionReason, detail: Option.Option<string>) =>
  Effect.gen(function* () {
    if (Option.isNone(detail)) {
      const now = new Date(yield* Clock.currentTimeMillis)
      const closed = yield* Effect.flatMap(AttentionItems, (items) => items.closeByKey(key, now, "passed by itself"))
      if (closed) yield* Effect.logInfo("Incident passed", { reason })
      return
    }
    yield* raiseAttentionNow({ reason, detail: detail.value, dedupeKey: key })
  })

/** Dead letters on the broker, and events a Functions trigger recorded as failed; none counted when the broker cannot answer. */
const countDeadLetters = Effect.gen(function* () {
  const broker = yield* EventBroker
  const onBroker = yield* Effect.forEach(botSubscriptions, (subscription) =>
    broker.deadLetters(subscription.name).pipe(
      Effect.map((letters) => letters.length),
      Effect.catchTag("BrokerUnavailable", () => Effect.succeed(0))
    )
  )
  const recorded = yield* Effect.flatMap(FailedEvents, (failed) => failed.list)
  return onBroker.reduce((sum, n) => sum + n, 0) + recorded.length
})

/**
 * One look at what an operator must hear about without a monitoring stack: events given up on, and
 * replies that stay unsent. Each incident is one attention item (support told once, with what to
 * do); it is closed when the cause passes, so the next one is told again.
 */
export const checkOperations = Effect.gen(function* () {
  const settings = yield* AlertSettings
  const now = yield* Clock.currentTimeMillis
  const deadLetters = yield* countDeadLetters
  yield* incident(
    incidentKeys.deadLetters,
    "DeadLetters",
    deadLetters === 0
      ? Option.none()
      : Option.some(`${deadLetters} event(s) given up on; see \`dead-letters list\`, fix the cause, then \`dead-letters replay\``)
  )
  const oldest = yield* Effect.flatMap(OutboundMessages, (outbound) => outbound.oldestPendingAt)
  const oldestPendingMinutes = Option.map(oldest, (at) => Math.floor((now - at.getTime()) / 60_000))
  const late = Option.filter(oldest, (at) => now - at.getTime() > Duration.toMillis(settings.outboundBacklog))
  yield* incident(
    incidentKeys.outboundBacklog,
    "OutboundBacklog",
    Option.map(
      late,
      (at) =>
        `the oldest reply waiting to go out was queued ${Math.floor((now - at.getTime()) / 60_000)} minutes ago; ` +
        "check the WhatsApp token, the number's quality and limits, and `outbox status`"
    )
  )
  const report: OperationsReport = { deadLetters, oldestPendingMinutes }
  return report
})

/**
 * The watch, for as long as the process runs; storage being down only skips a round. Each round
 * also sets the gauges of stored state, so that an OTLP export between scrapes carries them.
 */
export const runOperationsWatch = Effect.gen(function* () {
  const settings = yield* AlertSettings
  yield* checkOperations.pipe(
    Effect.zipRight(readStoredState),
    Effect.catchTag("StorageUnavailable", (error) => Effect.logWarning("Operations watch skipped a round", { reason: error.reason })),
    Effect.repeat(Schedule.spaced(settings.interval))
  )
})
