import { Cause, Clock, Context, Duration, Effect, Exit, FiberSet, Layer, Option } from "effect"
import { EventQueueReadings, type SubscriptionQueue } from "../../application/ports/EventQueueReadings.js"
import {
  BrokerUnavailable,
  EventBroker,
  type BrokerMessage,
  type DeadLetter,
  type MessageHandler,
  type Subscription
} from "../../application/ports/EventBroker.js"

export interface InMemoryEventBrokerOptions {
  /** The topology, declared up front as with Service Bus: a message reaches the subscriptions that exist when it is published. */
  readonly subscriptions: ReadonlyArray<Subscription>
  /** Deliveries of one message before it is dead-lettered. */
  readonly maxDeliveries?: number
  /** The wait before the first redelivery; it doubles with each one, up to `maxRedeliveryDelay`. */
  readonly redeliveryDelay?: Duration.DurationInput
  readonly maxRedeliveryDelay?: Duration.DurationInput
  /** How many message ids are remembered for duplicate detection. */
  readonly duplicateDetectionWindow?: number
}

interface SubscriptionState {
  readonly subscription: Subscription
  /** Each key's messages in order; the head stays until it is settled (a peek-lock), so an interrupted delivery is redelivered. */
  readonly queues: Map<string, Array<BrokerMessage>>
  /** When each queued message was queued, for the readings. */
  readonly queuedAt: Map<BrokerMessage, number>
  readonly busyKeys: Set<string>
  readonly deadLetters: Array<DeadLetter>
  consumer: Option.Option<(key: string) => void>
}

/** The broker, and the readings of its queues. */
const makeBrokerWithReadings = (options: InMemoryEventBrokerOptions) =>
  Effect.sync(() => {
    // A database outage makes every delivery fail for a while: backing off exponentially to 30 s
    // over 20 deliveries waits out several minutes before a message is given up as a dead letter.
    const maxDeliveries = options.maxDeliveries ?? 20
    const redeliveryDelay = Duration.decode(options.redeliveryDelay ?? "50 millis")
    const maxRedeliveryDelay = Duration.decode(options.maxRedeliveryDelay ?? "30 seconds")
    const delayBefore = (redelivery: number) =>
      Duration.min(Duration.times(redeliveryDelay, 2 ** Math.min(redelivery - 1, 30)), maxRedeliveryDelay)
    const window = options.duplicateDetectionWindow ?? 100_000
    const seenIds = new Set<string>()
    const states = new Map<string, SubscriptionState>(
      options.subscriptions.map((subscription) => [
        subscription.name,
        { subscription, queues: new Map(), queuedAt: new Map(), busyKeys: new Set(), deadLetters: [], consumer: Option.none() }
      ])
    )

    const stateOf = (name: string) =>
      Option.fromNullable(states.get(name)).pipe(
        Effect.mapError(() => new BrokerUnavailable({ reason: `no subscription named ${name}` }))
      )

    const enqueue = (state: SubscriptionState, message: BrokerMessage, now: number) => {
      const queue = state.queues.get(message.key) ?? []
      queue.push(message)
      state.queuedAt.set(message, now)
      state.queues.set(message.key, queue)
      Option.map(state.consumer, (wake) => wake(message.key))
    }

    const remember = (id: string) => {
      seenIds.add(id)
      if (seenIds.size > window) {
        const oldest = seenIds.values().next()
        if (!oldest.done) seenIds.delete(oldest.value)
      }
    }

    const deliver = (state: SubscriptionState, handler: MessageHandler, message: BrokerMessage) =>
      Effect.gen(function* () {
        for (let deliveries = 1; ; deliveries++) {
          const exit = yield* Effect.exit(handler(message))
          if (Exit.isSuccess(exit)) return
          const failure = Cause.failureOption(exit.cause)
          const permanent = Option.exists(failure, (error) => error._tag === "PermanentFailure")
          const reason = Option.match(failure, {
            onNone: () => Cause.pretty(exit.cause),
            onSome: (error) => error.reason
          })
          const annotations = { subscription: state.subscription.name, eventType: message.eventType, deliveries, reason }
          if (permanent || deliveries >= maxDeliveries) {
            yield* Effect.logError("Delivery failed for good; dead-lettered").pipe(Effect.annotateLogs(annotations))
            state.deadLetters.push({ message, subscription: state.subscription.name, reason, deliveries })
            return
          }
          yield* Effect.logWarning("Delivery failed; will redeliver").pipe(Effect.annotateLogs(annotations))
          yield* Effect.sleep(delayBefore(deliveries))
        }
      })

    const drainKey = (state: SubscriptionState, handler: MessageHandler, key: string) =>
      Effect.gen(function* () {
        const queue = state.queues.get(key)
        while (queue !== undefined && queue.length > 0) {
          yield* deliver(state, handler, queue[0]!)
          const settled = queue.shift()
          if (settled !== undefined) state.queuedAt.delete(settled)
        }
        state.queues.delete(key)
      }).pipe(Effect.ensuring(Effect.sync(() => state.busyKeys.delete(key))))

    /** Each subscription's queue: its keys' heads being delivered are leased, the rest waiting. */
    const readings = EventQueueReadings.of({
      read: Effect.sync(
        () =>
          new Map(
            [...states.values()].map((state): [string, SubscriptionQueue] => {
              const queued = [...state.queues.values()].reduce((sum, queue) => sum + queue.length, 0)
              const leased = [...state.busyKeys].filter((key) => (state.queues.get(key)?.length ?? 0) > 0).length
              const oldest = Math.min(...state.queuedAt.values())
              return [
                state.subscription.name,
                { waiting: queued - leased, leased, oldestQueuedAt: Number.isFinite(oldest) ? Option.some(new Date(oldest)) : Option.none() }
              ]
            })
          )
      )
    })

    const broker = EventBroker.of({
      publish: (messages) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.sync(() => {
            for (const message of messages) {
              if (seenIds.has(message.id)) continue
              remember(message.id)
              for (const state of states.values()) {
                if (state.subscription.eventTypes.includes(message.eventType)) enqueue(state, message, now)
              }
            }
          })
        ),
      consume: (name, handler) =>
        Effect.gen(function* () {
          const state = yield* stateOf(name)
          if (Option.isSome(state.consumer)) {
            return yield* new BrokerUnavailable({ reason: `${name} already has a consumer` })
          }
          const fibers = yield* FiberSet.make()
          const run = yield* FiberSet.runtime(fibers)()
          const wake = (key: string) => {
            if (state.busyKeys.has(key)) return
            state.busyKeys.add(key)
            run(drainKey(state, handler, key))
          }
          state.consumer = Option.some(wake)
          yield* Effect.addFinalizer(() => Effect.sync(() => (state.consumer = Option.none())))
          for (const key of [...state.queues.keys()]) wake(key)
        }),
      deadLetters: (name) => Effect.map(stateOf(name), (state) => [...state.deadLetters]),
      replayDeadLetter: (name, messageId) =>
        Effect.flatMap(Effect.zip(stateOf(name), Clock.currentTimeMillis), ([state, now]) =>
          Effect.sync(() => {
            const index = state.deadLetters.findIndex((letter) => letter.message.id === messageId)
            if (index < 0) return false
            const [letter] = state.deadLetters.splice(index, 1)
            enqueue(state, letter!.message, now)
            return true
          })
        ),
      forgetKey: (key) =>
        Effect.sync(() => {
          for (const state of states.values()) {
            // A head being delivered stays until it is settled; the rest of the key's queue goes.
            const forgotten = state.queues.get(key)?.splice(state.busyKeys.has(key) ? 1 : 0) ?? []
            for (const message of forgotten) state.queuedAt.delete(message)
            const kept = state.deadLetters.filter((letter) => letter.message.key !== key)
            state.deadLetters.splice(0, state.deadLetters.length, ...kept)
          }
        })
    })
    return { broker, readings }
  })

/** An event broker in memory, with the delivery guarantees of the Service Bus one: for tests, the harness and single-process use. */
export const makeInMemoryEventBroker = (options: InMemoryEventBrokerOptions) =>
  Effect.map(makeBrokerWithReadings(options), ({ broker }) => broker)

export const InMemoryEventBroker = {
  /** The broker, and the readings of its queues (which the harness' driver waits on to empty). */
  layer: (options: InMemoryEventBrokerOptions): Layer.Layer<EventBroker | EventQueueReadings> =>
    Layer.effectContext(
      Effect.map(makeBrokerWithReadings(options), ({ broker, readings }) =>
        Context.make(EventBroker, broker).pipe(Context.add(EventQueueReadings, readings))
      )
    )
}
