import type { MigrationError } from "@effect/sql/Migrator"
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Config, Duration, Effect, Layer } from "effect"
import type { ConfigError } from "effect"
import { retryDelay } from "../../application/events/retryDelay.js"
import { makeWakeup, type WakeupService } from "../../application/events/Wakeup.js"
import {
  BrokerUnavailable,
  EventBroker,
  type BrokerMessage,
  type Subscription
} from "../../application/ports/EventBroker.js"
import type { StorageUnavailable } from "../../application/ports/StorageUnavailable.js"
import { consumeDeliveries, type DeliverySettings } from "./broker/consumeDeliveries.js"
import { deliveryStatements, type Delivery } from "./broker/DeliveryStatements.js"
import { MigrationsLive } from "./Migrations.js"

export interface PgEventBrokerOptions {
  /** The topology, declared up front as with Service Bus: a message reaches the subscriptions that want its type when it is published. */
  readonly subscriptions: ReadonlyArray<Subscription>
  /** Deliveries of one message before it is dead-lettered (default 20). */
  readonly maxDeliveries?: number
  /** How long a claimed message stays its consumer's without a renewal; renewed every third of it while handled (default 30 s). */
  readonly lease?: Duration.DurationInput
  /** How often an idle consumer looks for work published by other processes (default 500 ms). */
  readonly pollInterval?: Duration.DurationInput
  /** Messages of one subscription (of different keys) handled at once by one consumer (default 16). */
  readonly concurrency?: number
  /** The wait before the next delivery after the n-th failed one (default `retryDelay`: 1 s doubling to 5 min). */
  readonly redeliveryDelay?: (deliveries: number) => Duration.Duration
  /** How long a settled message id is remembered, so that publishing it again delivers nothing (default 10 min). */
  readonly duplicateDetectionWindow?: Duration.DurationInput
}

/** The limits an operator tunes; the rest stays the adapter's. */
export type PgEventBrokerSettings = Required<Pick<PgEventBrokerOptions, "maxDeliveries" | "lease" | "pollInterval" | "concurrency">>

const atLeast = (minimum: Duration.DurationInput) => (duration: Duration.Duration) =>
  Duration.greaterThanOrEqualTo(duration, Duration.decode(minimum))

/**
 * `EVENT_QUEUE_MAX_DELIVERIES` (default 20), `EVENT_QUEUE_LEASE` (30 seconds),
 * `EVENT_QUEUE_POLL_INTERVAL` (500 millis) and `EVENT_QUEUE_CONCURRENCY` (16), each refused when
 * it makes no sense: a lease under a second would be renewed more often than a statement takes.
 */
export const PgEventBrokerConfig: Config.Config<PgEventBrokerSettings> = Config.all({
  maxDeliveries: Config.integer("EVENT_QUEUE_MAX_DELIVERIES").pipe(
    Config.validate({ message: "Expected a whole number of deliveries, at least 1", validation: (n) => n >= 1 }),
    Config.withDefault(20)
  ),
  lease: Config.duration("EVENT_QUEUE_LEASE").pipe(
    Config.validate({ message: "Expected a duration of at least 1 second", validation: atLeast("1 second") }),
    Config.withDefault(Duration.seconds(30))
  ),
  pollInterval: Config.duration("EVENT_QUEUE_POLL_INTERVAL").pipe(
    Config.validate({ message: "Expected a duration of at least 10 millis", validation: atLeast("10 millis") }),
    Config.withDefault(Duration.millis(500))
  ),
  concurrency: Config.integer("EVENT_QUEUE_CONCURRENCY").pipe(
    Config.validate({ message: "Expected a whole number from 1 to 1000", validation: (n) => n >= 1 && n <= 1000 }),
    Config.withDefault(16)
  )
})

const settingsOf = (options: PgEventBrokerOptions): DeliverySettings => ({
  maxDeliveries: options.maxDeliveries ?? 20,
  lease: Duration.decode(options.lease ?? "30 seconds"),
  pollInterval: Duration.decode(options.pollInterval ?? "500 millis"),
  concurrency: options.concurrency ?? 16,
  redeliveryDelay: options.redeliveryDelay ?? retryDelay,
  duplicateDetectionWindow: Duration.decode(options.duplicateDetectionWindow ?? "10 minutes")
})

/** One delivery per subscription that wants the message's type, each (subscription, id) once. */
const route = (subscriptions: ReadonlyArray<Subscription>, messages: ReadonlyArray<BrokerMessage>): ReadonlyArray<Delivery> => {
  const deliveries = new Map<string, Delivery>()
  for (const message of messages) {
    for (const subscription of subscriptions) {
      const id = JSON.stringify([subscription.name, message.id])
      if (subscription.eventTypes.includes(message.eventType) && !deliveries.has(id)) {
        deliveries.set(id, { subscription: subscription.name, message })
      }
    }
  }
  return [...deliveries.values()]
}

const unavailable = (error: StorageUnavailable) => new BrokerUnavailable({ reason: `event queue: ${error.reason}` })

/**
 * The event broker on Postgres (or the embedded PGlite): the `event_deliveries` table is the
 * queue, so what was published survives the process. Delivery is at least once (consumers keep
 * an inbox); one key's messages reach a subscription in order and one at a time, across every
 * process consuming it; a dead letter does not hold back its key's later messages (as on Service
 * Bus, where it leaves the session), and a replayed one goes behind them.
 *
 * Wake-ups: a publish or replay wakes this process's consumers of the subscriptions it touched at
 * once, and a finished delivery wakes its own loop (for the key's next message); work published by
 * other processes is found by polling every `pollInterval`.
 */
export const makePgEventBroker = (options: PgEventBrokerOptions) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const statements = deliveryStatements(sql)
    const settings = settingsOf(options)
    const names = new Set(options.subscriptions.map((subscription) => subscription.name))
    const localConsumers = new Map<string, Set<WakeupService>>()

    const wake = (subscriptions: Iterable<string>) =>
      Effect.forEach(subscriptions, (name) => Effect.forEach(localConsumers.get(name) ?? [], (signal) => signal.notify), {
        discard: true
      })

    const known = (name: string) =>
      names.has(name) ? Effect.void : Effect.fail(new BrokerUnavailable({ reason: `no subscription named ${name}` }))

    return EventBroker.of({
      publish: (messages) => {
        const deliveries = route(options.subscriptions, messages)
        return statements.insert(deliveries).pipe(
          Effect.mapError(unavailable),
          Effect.zipRight(wake(new Set(deliveries.map((delivery) => delivery.subscription))))
        )
      },
      consume: (name, handler) =>
        Effect.gen(function* () {
          yield* known(name)
          const signal = yield* makeWakeup
          const signals = localConsumers.get(name) ?? new Set()
          localConsumers.set(name, signals.add(signal))
          yield* Effect.addFinalizer(() => Effect.sync(() => signals.delete(signal)))
          yield* consumeDeliveries(statements, settings, name, handler, signal)
        }),
      deadLetters: (name) => known(name).pipe(Effect.zipRight(Effect.mapError(statements.deadLetters(name), unavailable))),
      replayDeadLetter: (name, messageId) =>
        known(name).pipe(
          Effect.zipRight(Effect.mapError(statements.replay(name, messageId), unavailable)),
          Effect.tap((replayed) => (replayed ? wake([name]) : Effect.void))
        ),
      // Inside the caller's transaction when there is one (the erase's), as every statement here.
      forgetKey: (key) => Effect.mapError(statements.forgetKey(key), unavailable)
    })
  })

export const PgEventBroker = {
  /** The broker on the given SqlClient's database; runs the migrations first (the queue is migration 0004). */
  layer: (options: PgEventBrokerOptions): Layer.Layer<EventBroker, MigrationError | SqlError, SqlClient> =>
    Layer.effect(EventBroker, makePgEventBroker(options)).pipe(Layer.provide(MigrationsLive)),
  /** The broker with the limits read from `PgEventBrokerConfig`. */
  fromConfig: (
    subscriptions: ReadonlyArray<Subscription>
  ): Layer.Layer<EventBroker, MigrationError | SqlError | ConfigError.ConfigError, SqlClient> =>
    Layer.unwrapEffect(Effect.map(PgEventBrokerConfig, (settings) => PgEventBroker.layer({ subscriptions, ...settings })))
}
