import {
  RetryMode,
  ServiceBusClient,
  isServiceBusError,
  type ServiceBusMessage,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
  type ServiceBusSender,
  type ServiceBusSessionReceiver
} from "@azure/service-bus"
import { Array as Arr, Cause, Config, Duration, Effect, Either, Exit, Layer, Option, ParseResult, Redacted, Schedule, Schema, ScopedRef } from "effect"
import type { Scope } from "effect"
import {
  BrokerUnavailable,
  EventBroker,
  type BrokerMessage,
  type DeadLetter,
  type MessageHandler,
  type Subscription
} from "../../application/ports/EventBroker.js"

/** Which consumers exist and how often a message is tried: the same topology as the in-memory broker's. */
export interface ServiceBusTopology {
  readonly subscriptions: ReadonlyArray<Subscription>
  /** Deliveries of one message before it is dead-lettered; the subscriptions' MaxDeliveryCount should be the same. */
  readonly maxDeliveries: number
}

export interface ServiceBusSettings {
  readonly connectionString: Redacted.Redacted<string>
  readonly topic: string
}

export interface ServiceBusTuning {
  /** Sessions (users) handled at once by one consumer. */
  readonly maxConcurrentSessions?: number
  /** How long a session with nothing new is kept before its worker takes another one. */
  readonly sessionIdleTimeout?: Duration.DurationInput
  /** First wait before a failed delivery is handed back; doubles with each delivery, up to `maxRedeliveryDelay`. */
  readonly redeliveryDelay?: Duration.DurationInput
  readonly maxRedeliveryDelay?: Duration.DurationInput
  /** How long the SDK keeps renewing a session lock while one message is handled (0 = never). */
  readonly maxLockRenewal?: Duration.DurationInput
  /** The SDK's per-operation timeout, also how long accepting the next session long-polls. */
  readonly operationTimeout?: Duration.DurationInput
}

export type ServiceBusEventBrokerOptions = ServiceBusTopology & ServiceBusSettings & ServiceBusTuning

/** `SERVICEBUS_CONNECTION_STRING` (secret) and `SERVICEBUS_TOPIC` (default `bot-events`). */
export const ServiceBusConfig: Config.Config<ServiceBusSettings> = Config.all({
  connectionString: Config.redacted("SERVICEBUS_CONNECTION_STRING"),
  topic: Config.string("SERVICEBUS_TOPIC").pipe(Config.withDefault("bot-events"))
})

/** What the adapter reads back from Service Bus; anything else on a message is ignored. */
const Received = Schema.Struct({
  messageId: Schema.String,
  sessionId: Schema.String,
  subject: Schema.String,
  body: Schema.Uint8ArrayFromSelf,
  deliveryCount: Schema.optionalWith(Schema.Number, { default: () => 0 }),
  applicationProperties: Schema.optionalWith(
    Schema.Struct({
      replayOf: Schema.optional(Schema.String),
      deliveries: Schema.optional(Schema.Number),
      DeadLetterReason: Schema.optional(Schema.String),
      DeadLetterErrorDescription: Schema.optional(Schema.String)
    }),
    { default: () => ({}) }
  )
})
type Received = typeof Received.Type
const decodeReceived = Schema.decodeUnknownEither(Received)

const toBrokerMessage = (received: Received): BrokerMessage => ({
  id: received.applicationProperties.replayOf ?? received.messageId,
  key: received.sessionId,
  eventType: received.subject,
  body: Buffer.from(received.body).toString("utf8")
})

const toWire = (message: BrokerMessage): ServiceBusMessage => ({
  messageId: message.id,
  sessionId: message.key,
  subject: message.eventType,
  contentType: "application/json",
  body: Buffer.from(message.body, "utf8"),
  applicationProperties: { eventType: message.eventType }
})

const describe = (error: unknown) =>
  isServiceBusError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error)

const unavailable = (what: string) => (error: unknown) => new BrokerUnavailable({ reason: `${what}: ${describe(error)}` })

/** Service Bus limits the size of properties; a defect's trace can be long. */
const clip = (text: string) => (text.length > 2000 ? `${text.slice(0, 2000)}…` : text)

/**
 * Closing is best effort: a link to a broker that is gone must not hold up a scope. Finalizers are
 * uninterruptible, so the close is made interruptible for the timeout to be able to give up on it.
 */
const closeQuietly = (closable: { close: () => Promise<void> }) =>
  Effect.tryPromise(() => closable.close()).pipe(Effect.interruptible, Effect.timeout("5 seconds"), Effect.ignore)

/** Reconnecting after the broker failed: 100 ms doubling, at most 30 s apart, from 100 ms again after a good minute. */
const reconnect = Schedule.exponential("100 millis").pipe(
  Schedule.union(Schedule.spaced("30 seconds")),
  Schedule.resetAfter("1 minute"),
  Schedule.tapInput((error: BrokerUnavailable) =>
    Effect.logWarning("Service Bus consumer cannot reach the broker; retrying").pipe(Effect.annotateLogs("reason", error.reason))
  )
)

/**
 * The event broker on Azure Service Bus: one topic, a session-enabled subscription per consumer.
 *
 * On the wire: `messageId` = the message id (duplicate detection), `sessionId` = its key (one
 * user's events in order, one at a time), `subject` and the `eventType` property = its event type,
 * the body the envelope's UTF-8 JSON.
 *
 * The deployment creates the entities (this adapter does not manage them): the topic with
 * duplicate detection on; per consumer a subscription with sessions required, MaxDeliveryCount =
 * `maxDeliveries`, and, in place of the default rule, a SQL rule
 * `sys.Label IN ('<event type>', ...) AND sys.To IS NULL` plus a rule `sys.To = '<subscription>'`,
 * which lets a replayed dead letter reach only the subscription it came from.
 *
 * Consuming: workers accept the next free session, take its messages one by one and settle each
 * from the handler's result (success: complete; PermanentFailure: dead-letter; RetryableFailure or
 * a defect: wait, then abandon, or dead-letter at the last delivery, with the handler's reason),
 * and move on once the session is idle. A retry waits inside its session, whose lock the SDK
 * renews, rather than as a scheduled copy: a copy would let the user's later events overtake it.
 * A lock lost meanwhile leaves the message to be redelivered. Dead letters are read from
 * `<topic>/Subscriptions/<sub>/$DeadLetterQueue` and replayed by re-sending them to their subscription.
 */
export const makeServiceBusEventBroker = (options: ServiceBusEventBrokerOptions) =>
  Effect.gen(function* () {
    const { topic, maxDeliveries } = options
    const subscriptionNames = new Set(options.subscriptions.map((subscription) => subscription.name))
    const concurrency = options.maxConcurrentSessions ?? 8
    const idleMs = Duration.toMillis(options.sessionIdleTimeout ?? "1 second")
    const redeliveryDelay = Duration.decode(options.redeliveryDelay ?? "1 second")
    const maxRedeliveryDelay = Duration.decode(options.maxRedeliveryDelay ?? "30 seconds")
    const lockRenewalMs = Duration.toMillis(options.maxLockRenewal ?? "5 minutes")
    // The SDK's own default waits 30 s between retries; callers (the outbox relay) retry too, so fail within seconds.
    const retryOptions = {
      timeoutInMs: Duration.toMillis(options.operationTimeout ?? "60 seconds"),
      maxRetries: 3,
      mode: RetryMode.Exponential,
      retryDelayInMs: 200,
      maxRetryDelayInMs: 5_000
    }

    /** A client is one AMQP connection; each consumer gets its own, so closing it ends whatever it still waits for. */
    const openClient = Effect.acquireRelease(
      Effect.try({
        try: () => new ServiceBusClient(Redacted.value(options.connectionString), { retryOptions }),
        // The SDK's message could quote the connection string, a secret.
        catch: () => new BrokerUnavailable({ reason: "SERVICEBUS_CONNECTION_STRING is not a valid Service Bus connection string" })
      }),
      closeQuietly
    )

    const knownSubscription = (name: string) =>
      subscriptionNames.has(name) ? Effect.void : Effect.fail(new BrokerUnavailable({ reason: `no subscription named ${name}` }))

    const openSender = Effect.flatMap(openClient, (publishClient) =>
      Effect.acquireRelease(Effect.sync(() => publishClient.createSender(topic)), closeQuietly)
    )
    /** The sender on its own connection, replaced by a new one when a send fails or hangs (see `runConsumer`). */
    const senderRef = yield* ScopedRef.fromAcquire(openSender)

    const sendWith = (sender: ServiceBusSender, messages: ReadonlyArray<ServiceBusMessage>) =>
      Effect.tryPromise({
        try: async (abortSignal) => {
          let batch = await sender.createMessageBatch({ abortSignal })
          for (const message of messages) {
            if (batch.tryAddMessage(message)) continue
            if (batch.count === 0) throw new Error(`message ${String(message.messageId)} is too large for Service Bus`)
            await sender.sendMessages(batch, { abortSignal })
            batch = await sender.createMessageBatch({ abortSignal })
            if (!batch.tryAddMessage(message)) throw new Error(`message ${String(message.messageId)} is too large for Service Bus`)
          }
          if (batch.count > 0) await sender.sendMessages(batch, { abortSignal })
        },
        catch: unavailable("publishing to Service Bus failed")
      })

    /** Sends in batches as large as the link allows, one key per batch (a batch belongs to one session). */
    const send = (messages: ReadonlyArray<ServiceBusMessage>) =>
      ScopedRef.get(senderRef).pipe(
        Effect.flatMap((sender) => sendWith(sender, messages)),
        Effect.timeoutFail({
          duration: Duration.sum(Duration.millis(retryOptions.timeoutInMs), "2 seconds"),
          onTimeout: () => new BrokerUnavailable({ reason: "publishing to Service Bus timed out" })
        }),
        Effect.tapError(() => ScopedRef.set(senderRef, openSender).pipe(Effect.ignore))
      )

    const publish = (messages: ReadonlyArray<BrokerMessage>) => {
      const byKey = new Map<string, Array<ServiceBusMessage>>()
      for (const message of messages) byKey.set(message.key, [...(byKey.get(message.key) ?? []), toWire(message)])
      return Effect.forEach(byKey.values(), send, { discard: true })
    }

    const settle = (what: string, operation: () => Promise<void>) =>
      Effect.tryPromise({ try: operation, catch: (error) => error }).pipe(
        Effect.as(true),
        // A lost lock or link means Service Bus hands the message out again: nothing more to do here.
        Effect.catchAll((error) =>
          Effect.logWarning(`Could not ${what} a message; it will be redelivered`).pipe(
            Effect.annotateLogs("reason", describe(error)),
            Effect.as(false)
          )
        )
      )

    const deadLetter = (receiver: ServiceBusReceiver, message: ServiceBusReceivedMessage, reason: string, description: string, deliveries: number) =>
      settle("dead-letter", () =>
        receiver.deadLetterMessage(message, { deadLetterReason: reason, deadLetterErrorDescription: clip(description), deliveries })
      )

    /** Handles one message and settles it; false when the session should be given up. */
    const handle = (name: string, receiver: ServiceBusSessionReceiver, message: ServiceBusReceivedMessage, handler: MessageHandler) =>
      Effect.gen(function* () {
        const decoded = decodeReceived(message)
        if (Either.isLeft(decoded)) {
          const reason = ParseResult.TreeFormatter.formatErrorSync(decoded.left)
          yield* Effect.logError("Undecodable message; dead-lettered").pipe(Effect.annotateLogs({ subscription: name, reason }))
          return yield* deadLetter(receiver, message, "Undecodable", reason, (message.deliveryCount ?? 0) + 1)
        }
        const received = decoded.right
        const brokerMessage = toBrokerMessage(received)
        // The header counts earlier deliveries that failed; this is one more.
        const deliveries = received.deliveryCount + 1
        const exit = yield* Effect.exit(handler(brokerMessage))
        if (Exit.isSuccess(exit)) return yield* settle("complete", () => receiver.completeMessage(message))
        const failure = Cause.failureOption(exit.cause)
        const permanent = Option.exists(failure, (error) => error._tag === "PermanentFailure")
        const reason = Option.match(failure, { onNone: () => Cause.pretty(exit.cause), onSome: (error) => error.reason })
        const annotations = { subscription: name, eventType: brokerMessage.eventType, deliveries, reason }
        if (permanent || deliveries >= maxDeliveries) {
          yield* Effect.logError("Delivery failed for good; dead-lettered").pipe(Effect.annotateLogs(annotations))
          return yield* deadLetter(receiver, message, permanent ? "PermanentFailure" : "MaxDeliveriesReached", reason, deliveries)
        }
        yield* Effect.logWarning("Delivery failed; will redeliver").pipe(Effect.annotateLogs(annotations))
        yield* Effect.sleep(Duration.min(Duration.times(redeliveryDelay, 2 ** (deliveries - 1)), maxRedeliveryDelay))
        return yield* settle("abandon", () => receiver.abandonMessage(message))
      })

    /** The next session with messages, or none when the broker had none before its long poll ended. */
    const acceptSession = (consumerClient: ServiceBusClient, name: string) =>
      Effect.acquireRelease(
        Effect.tryPromise({
          try: (abortSignal) =>
            consumerClient.acceptNextSession(topic, name, {
              maxAutoLockRenewalDurationInMs: lockRenewalMs,
              skipParsingBodyAsJson: true,
              abortSignal
            }),
          catch: (error) => error
        }).pipe(
          Effect.map(Option.some),
          Effect.catchAll((error) =>
            isServiceBusError(error) && (error.code === "ServiceTimeout" || error.code === "SessionCannotBeLocked")
              ? Effect.succeed(Option.none<ServiceBusSessionReceiver>())
              : Effect.fail(unavailable(`accepting a session of ${name} failed`)(error))
          ),
          // The broker ends its long poll within the operation timeout; longer means the connection is stuck.
          Effect.timeoutFail({
            duration: Duration.sum(Duration.millis(retryOptions.timeoutInMs), "2 seconds"),
            onTimeout: () => new BrokerUnavailable({ reason: `accepting a session of ${name} timed out` })
          }),
          // Waiting for a session may last the whole long poll; a closing scope must not wait for it.
          Effect.interruptible
        ),
        (receiver) => Option.match(receiver, { onNone: () => Effect.void, onSome: closeQuietly })
      )

    const serveSession = (name: string, receiver: ServiceBusSessionReceiver, handler: MessageHandler) =>
      Effect.gen(function* () {
        for (;;) {
          const next = yield* Effect.tryPromise({
            try: (abortSignal) => receiver.receiveMessages(1, { maxWaitTimeInMs: idleMs, abortSignal }),
            catch: (error) => error
          }).pipe(
            Effect.catchAll((error) =>
              Effect.logWarning("Receiving from a session failed; leaving it").pipe(
                Effect.annotateLogs({ subscription: name, reason: describe(error) }),
                Effect.as([])
              )
            )
          )
          const message = next[0]
          if (message === undefined) return
          if (!(yield* handle(name, receiver, message, handler))) return
        }
      })

    const worker = (consumerClient: ServiceBusClient, name: string, handler: MessageHandler) =>
      Effect.scoped(
        Effect.flatMap(acceptSession(consumerClient, name), (receiver) =>
          Option.match(receiver, { onNone: () => Effect.void, onSome: (session) => serveSession(name, session, handler) })
        )
      ).pipe(Effect.forever)

    /**
     * The workers on one connection of their own. The first that cannot reach the broker stops them
     * all, and they start again on a new connection after a backoff: the SDK's own recovery of a
     * dropped connection can stall its link openings for minutes.
     */
    const runConsumer = (name: string, handler: MessageHandler) =>
      Effect.scoped(
        Effect.flatMap(openClient, (consumerClient) =>
          Effect.all(Array.from({ length: concurrency }, () => worker(consumerClient, name, handler)), {
            concurrency: "unbounded",
            discard: true
          })
        )
      ).pipe(Effect.retry(reconnect))

    const consume = (name: string, handler: MessageHandler): Effect.Effect<void, BrokerUnavailable, Scope.Scope> =>
      Effect.zipRight(
        knownSubscription(name),
        Effect.asVoid(Effect.forkScoped(runConsumer(name, handler).pipe(Effect.annotateLogs("subscription", name))))
      )

    /**
     * A client of its own per read: the SDK keeps the peek position per connection and entity, so a
     * second read on a shared client would start after the letters the first one saw.
     */
    const openDeadLetterQueue = (name: string) =>
      Effect.acquireRelease(
        Effect.map(openClient, (readClient) =>
          readClient.createReceiver(topic, name, {
            subQueueType: "deadLetter",
            skipParsingBodyAsJson: true,
            maxAutoLockRenewalDurationInMs: 0
          })
        ),
        closeQuietly
      )

    const pageSize = 100
    const peekAll = (receiver: ServiceBusReceiver) =>
      Effect.gen(function* () {
        const all: Array<ServiceBusReceivedMessage> = []
        for (;;) {
          const page = yield* Effect.tryPromise({
            try: (abortSignal) => receiver.peekMessages(pageSize, { abortSignal }),
            catch: unavailable("reading dead letters failed")
          })
          all.push(...page)
          if (page.length < pageSize) return all
        }
      })

    const toDeadLetter = (name: string) => (received: Received): DeadLetter => ({
      message: toBrokerMessage(received),
      subscription: name,
      reason:
        received.applicationProperties.DeadLetterErrorDescription ?? received.applicationProperties.DeadLetterReason ?? "unknown",
      // Letters the service moved itself (lock lost too often) carry no count of ours; theirs counts failed deliveries.
      deliveries: received.applicationProperties.deliveries ?? received.deliveryCount
    })

    const deadLetters = (name: string) =>
      Effect.scoped(
        Effect.gen(function* () {
          yield* knownSubscription(name)
          const receiver = yield* openDeadLetterQueue(name)
          const peeked = yield* peekAll(receiver)
          const [undecodable, letters] = Arr.partitionMap(peeked, (message) => Either.map(decodeReceived(message), toDeadLetter(name)))
          if (undecodable.length > 0) {
            yield* Effect.logWarning("Dead letters that are not ours to decode were left out").pipe(
              Effect.annotateLogs({ subscription: name, count: undecodable.length })
            )
          }
          return letters
        })
      )

    const isLetter = (messageId: string) => (message: ServiceBusReceivedMessage) =>
      Either.match(decodeReceived(message), { onLeft: () => false, onRight: (received) => toBrokerMessage(received).id === messageId })

    /** Locks dead letters in order up to the wanted one; the others are handed back when the scope closes. */
    const takeLetter = (name: string, receiver: ServiceBusReceiver, messageId: string) =>
      Effect.gen(function* () {
        const passed: Array<ServiceBusReceivedMessage> = []
        yield* Effect.addFinalizer(() =>
          Effect.forEach(passed, (message) => Effect.ignore(settle("abandon", () => receiver.abandonMessage(message))), { discard: true })
        )
        for (;;) {
          const batch = yield* Effect.tryPromise({
            try: (abortSignal) => receiver.receiveMessages(pageSize, { maxWaitTimeInMs: idleMs, abortSignal }),
            catch: unavailable(`reading the dead letters of ${name} failed`)
          })
          if (batch.length === 0) return Option.none<ServiceBusReceivedMessage>()
          const index = batch.findIndex(isLetter(messageId))
          passed.push(...batch.filter((_, i) => i !== index))
          if (index >= 0) return Option.some(batch[index]!)
        }
      })

    const replayDeadLetter = (name: string, messageId: string) =>
      Effect.scoped(
        Effect.gen(function* () {
          yield* knownSubscription(name)
          const receiver = yield* openDeadLetterQueue(name)
          if (!(yield* peekAll(receiver)).some(isLetter(messageId))) return false
          const taken = yield* takeLetter(name, receiver, messageId)
          if (Option.isNone(taken)) return false
          const letter = taken.value
          const received = decodeReceived(letter)
          if (Either.isLeft(received)) return false
          const original = toBrokerMessage(received.right)
          // A replay id of its own gets past duplicate detection, and stays the same if this replay is retried.
          yield* send([
            {
              ...toWire(original),
              messageId: `${original.id}:replay:${String(letter.sequenceNumber)}`,
              to: name,
              applicationProperties: { eventType: original.eventType, replayOf: original.id }
            }
          ])
          yield* settle("complete", () => receiver.completeMessage(letter))
          return true
        })
      )

    return EventBroker.of({ publish, consume, deadLetters, replayDeadLetter })
  })

export const ServiceBusEventBroker = {
  /** The broker with explicit settings (tests, or settings read elsewhere). */
  layer: (options: ServiceBusEventBrokerOptions) => Layer.scoped(EventBroker, makeServiceBusEventBroker(options)),
  /** The broker with its connection from `SERVICEBUS_CONNECTION_STRING` and `SERVICEBUS_TOPIC`. */
  layerConfig: (topology: ServiceBusTopology, tuning: ServiceBusTuning = {}) =>
    Layer.scoped(
      EventBroker,
      Effect.flatMap(ServiceBusConfig, (settings) => makeServiceBusEventBroker({ ...topology, ...tuning, ...settings }))
    )
}
