import { Array as Arr, Cause, Clock, Duration, Effect, Schedule } from "effect"
import { retryDelay } from "../events/retryDelay.js"
import { OutboxWakeup } from "../events/Wakeup.js"
import { countQueued } from "../metrics/BotMetrics.js"
import { EventBroker, type MessagesRefused } from "../ports/EventBroker.js"
import { FailedEvent, FailedEvents } from "../ports/FailedEvents.js"
import { Outbox, type NewOutboxEvent } from "../ports/Outbox.js"
import { botSubscriptions } from "../workers/Consumers.js"
import { stopReason } from "../workers/superviseWorker.js"

export interface OutboxRelayOptions {
  readonly batchSize: number
  /** How long a claimed batch stays ours; a relay that dies gives it back after this. */
  readonly lease: Duration.DurationInput
  /** The polling backup, for events written by other processes. */
  readonly pollInterval: Duration.DurationInput
  /**
   * How long a woken relay lets more commits land before it publishes: under load, one publish
   * and one write then carry many events instead of one each.
   */
  readonly gather: Duration.DurationInput
}

export const defaultOutboxRelayOptions: OutboxRelayOptions = {
  batchSize: 100,
  lease: "30 seconds",
  pollInterval: "1 second",
  gather: "5 millis"
}

/**
 * Events the broker refuses for good (too large for it): kept as failed events for an operator,
 * and out of the outbox, so that retrying them forever does not hold up anyone else's.
 */
const setAsideRefused = (events: ReadonlyArray<NewOutboxEvent>, refused: MessagesRefused["refused"], now: Date) =>
  Effect.gen(function* () {
    const failed = yield* FailedEvents
    const byId = new Map(events.map((event) => [event.id, event]))
    yield* Effect.forEach(
      refused,
      ({ id, reason }) => {
        const event = byId.get(id)
        return event === undefined
          ? Effect.void
          : Effect.logError("The broker refused an event for good; it is kept as a failed event").pipe(
              Effect.annotateLogs({ event: id, eventType: event.eventType, reason }),
              Effect.zipRight(
                failed.record(
                  new FailedEvent({ consumer: "outbox-relay", messageId: id, eventType: event.eventType, key: event.key, reason, body: event.body, failedAt: now })
                )
              )
            )
      },
      { discard: true }
    )
  })

/**
 * Publishes events and marks them published; if the broker is unavailable, they stay in the
 * outbox for a later attempt (`attempts`: how often they were tried, this time included). What it
 * refuses for good is set aside, and the rest of the batch counts as published.
 */
const publishAndMark = (events: ReadonlyArray<NewOutboxEvent>, attempts: number, now: Date) =>
  Effect.gen(function* () {
    const outbox = yield* Outbox
    const broker = yield* EventBroker
    const ids = events.map((event) => event.id)
    yield* broker.publish(
      events.map((event) => ({ id: event.id, key: event.key, eventType: event.eventType, body: event.body }))
    ).pipe(
      Effect.zipRight(outbox.markPublished(ids, now)),
      Effect.zipRight(countQueued(events, botSubscriptions)),
      Effect.catchTag("MessagesRefused", (error) =>
        setAsideRefused(events, error.refused, now).pipe(
          Effect.zipRight(outbox.markPublished(ids, now)),
          Effect.zipRight(countQueued(events.filter((event) => !error.refused.some((refused) => refused.id === event.id)), botSubscriptions))
        )
      ),
      Effect.catchTag("BrokerUnavailable", (error) => {
        const at = new Date(now.getTime() + Duration.toMillis(retryDelay(attempts + 1)))
        return Effect.logWarning("The broker refused events; they stay in the outbox").pipe(
          Effect.annotateLogs({ events: ids.length, reason: error.reason }),
          Effect.zipRight(outbox.retryAt(ids, at, error.reason))
        )
      })
    )
  })

/**
 * One event that makes publishing die (a bug, in an adapter or in what the event holds) is kept
 * as a failed event for an operator to replay, and leaves the outbox: it must not hold up the
 * events after it, nor stop the relay. Should that fail the same way, it is logged and comes back
 * when its lease ends.
 */
const parkPoisoned = (event: NewOutboxEvent, defect: unknown, now: Date) =>
  Effect.gen(function* () {
    const cause = Cause.die(defect)
    const reason = stopReason(cause)
    yield* Effect.logError("An outbox event made publishing fail on a defect; it is kept as a failed event", cause).pipe(
      Effect.annotateLogs({ event: event.id, eventType: event.eventType })
    )
    yield* Effect.flatMap(FailedEvents, (failed) =>
      failed.record(
        new FailedEvent({ consumer: "outbox-relay", messageId: event.id, eventType: event.eventType, key: event.key, reason, body: event.body, failedAt: now })
      )
    )
    yield* Effect.flatMap(Outbox, (outbox) => outbox.markPublished([event.id], now))
  }).pipe(
    Effect.catchAllDefect((defect) =>
      Effect.logError("A poisoned outbox event could not be set aside; it comes back after its lease", Cause.die(defect)).pipe(
        Effect.annotateLogs({ event: event.id })
      )
    )
  )

/**
 * `publishAndMark`, with a defect confined to the events that cause it: a batch that dies is
 * published again one event at a time, and the event that dies alone is parked.
 */
const publishAndMarkGuarded = (
  events: ReadonlyArray<NewOutboxEvent>,
  attempts: number,
  now: Date
): Effect.Effect<void, Effect.Effect.Error<ReturnType<typeof publishAndMark>>, Outbox | EventBroker | FailedEvents> =>
  publishAndMark(events, attempts, now).pipe(
    Effect.catchAllDefect((defect) => {
      const [single] = events
      return events.length === 1 && single !== undefined
        ? parkPoisoned(single, defect, now)
        : Effect.forEach(events, (event) => publishAndMarkGuarded([event], attempts, now), { discard: true })
    })
  )

/** Claims one batch of due outbox events, and answers the publication of what it claimed. */
const claimDue = (batchSize: number, lease: Duration.DurationInput) =>
  Effect.gen(function* () {
    const now = new Date(yield* Clock.currentTimeMillis)
    const events = yield* Effect.flatMap(Outbox, (outbox) => outbox.claim(batchSize, now, lease))
    const publish = events.length === 0 ? Effect.void : publishAndMarkGuarded(events, Math.max(...events.map((event) => event.attempts)), now)
    return { claimed: events.length, publish }
  })

/** Publishes one batch of due outbox events; answers how many it took. */
export const claimAndPublish = (batchSize: number, lease: Duration.DurationInput) =>
  Effect.flatMap(claimDue(batchSize, lease), ({ claimed, publish }) => Effect.as(publish, claimed))

/** Publishes events handed over by their writers, in batches, in the order they came. */
export const publishHandedOver = (events: ReadonlyArray<NewOutboxEvent>, batchSize: number) =>
  Effect.gen(function* () {
    const now = new Date(yield* Clock.currentTimeMillis)
    yield* Effect.forEach(Arr.chunksOf(events, batchSize), (batch) => publishAndMarkGuarded(batch, 1, now), { discard: true })
  })

/**
 * One round of a relay that does not stay (an Azure Functions invocation): what was handed over,
 * then one batch of due events from the outbox; answers how many it claimed.
 */
export const relayOutboxBatch = (batchSize: number, lease: Duration.DurationInput) =>
  Effect.gen(function* () {
    const { handedOver } = yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.take)
    if (handedOver.length > 0) yield* publishHandedOver(handedOver, batchSize)
    return yield* claimAndPublish(batchSize, lease)
  })

/** A database that is down is waited out with backoff; the events wait in it. */
const untilStorageAnswers = <A, R>(effect: Effect.Effect<A, { readonly reason: string }, R>) =>
  effect.pipe(
    Effect.tapError((error) => Effect.logWarning("Outbox relay: storage unavailable", { reason: error.reason })),
    Effect.retry(Schedule.exponential("200 millis").pipe(Schedule.union(Schedule.spaced("10 seconds"))))
  )

/**
 * The standalone runtime's relay. Events handed over are published as they come, without a
 * claim; the outbox is searched when a writer notifies without handing over, while full batches
 * come, and at each poll interval as the backup for other processes' events and handed-over ones
 * whose publication failed.
 */
export const runOutboxRelay = (options: OutboxRelayOptions = defaultOutboxRelayOptions) =>
  Effect.gen(function* () {
    const wakeup = yield* OutboxWakeup
    const pollMillis = Duration.toMillis(options.pollInterval)
    let searchedAt = Number.NEGATIVE_INFINITY
    let searchAgain = true
    for (;;) {
      const { handedOver, notified } = yield* wakeup.take
      if (handedOver.length > 0) yield* untilStorageAnswers(publishHandedOver(handedOver, options.batchSize))
      const now = yield* Clock.currentTimeMillis
      if (searchAgain || notified || now - searchedAt >= pollMillis) {
        searchedAt = now
        // What was claimed is held through an outage and published once storage answers: claimed
        // again instead, it would wait out its lease (30 s) in a database that is back.
        const { claimed, publish } = yield* untilStorageAnswers(claimDue(options.batchSize, options.lease))
        yield* untilStorageAnswers(publish)
        searchAgain = claimed === options.batchSize
      }
      if (!searchAgain) {
        yield* wakeup.wait(Math.max(0, searchedAt + pollMillis - (yield* Clock.currentTimeMillis)))
        yield* Effect.sleep(options.gather)
      }
    }
  })
