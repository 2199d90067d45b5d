import { Clock, Duration, Effect, Schedule } from "effect"
import { retryDelay } from "../events/retryDelay.js"
import { OutboxWakeup } from "../events/Wakeup.js"
import { EventBroker } from "../ports/EventBroker.js"
import { Outbox } from "../ports/Outbox.js"

export interface OutboxRelayOptions {
  readonly batchSize: number
  /** How long a claimed batch stays ours; a relay that dies gives it back after this. */
  readonly lease: Duration.DurationInput
  /** The polling backup, for events written by other processes. */
  readonly pollInterval: Duration.DurationInput
  /**
   * How long a woken relay lets more commits land before it claims: under load, one claim and one
   * publish then carry many events instead of one each.
   */
  readonly gather: Duration.DurationInput
}

export const defaultOutboxRelayOptions: OutboxRelayOptions = {
  batchSize: 100,
  lease: "30 seconds",
  pollInterval: "1 second",
  gather: "5 millis"
}

/** Publishes one batch of due outbox events; answers how many it took. */
export const relayOutboxBatch = (batchSize: number, lease: Duration.DurationInput) =>
  Effect.gen(function* () {
    const outbox = yield* Outbox
    const broker = yield* EventBroker
    const now = new Date(yield* Clock.currentTimeMillis)
    const events = yield* outbox.claim(batchSize, now, lease)
    if (events.length === 0) return 0
    const ids = events.map((event) => event.id)
    yield* broker.publish(
      events.map((event) => ({ id: event.id, key: event.key, eventType: event.eventType, body: event.body }))
    ).pipe(
      Effect.zipRight(outbox.markPublished(ids, now)),
      Effect.catchTag("BrokerUnavailable", (error) => {
        const attempts = Math.max(...events.map((event) => event.attempts))
        const at = new Date(now.getTime() + Duration.toMillis(retryDelay(attempts + 1)))
        return Effect.logWarning("The broker refused events; they stay in the outbox").pipe(
          Effect.annotateLogs({ events: ids.length, reason: error.reason }),
          Effect.zipRight(outbox.retryAt(ids, at, error.reason))
        )
      })
    )
    return events.length
  })

/**
 * The standalone runtime's relay: woken right after commits, polling as a backup, draining while
 * full batches come. A database that is down is waited out with backoff; the events wait in it.
 */
export const runOutboxRelay = (options: OutboxRelayOptions = defaultOutboxRelayOptions) =>
  Effect.gen(function* () {
    const wakeup = yield* OutboxWakeup
    const relayed = yield* relayOutboxBatch(options.batchSize, options.lease).pipe(
      Effect.tapError((error) => Effect.logWarning("Outbox relay: storage unavailable", { reason: error.reason })),
      Effect.retry(Schedule.exponential("200 millis").pipe(Schedule.union(Schedule.spaced("10 seconds"))))
    )
    if (relayed < options.batchSize) {
      yield* wakeup.wait(options.pollInterval)
      yield* Effect.sleep(options.gather)
    }
  }).pipe(Effect.forever)
