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
import {
  Array as Arr,
  Cause,
  Clock,
  Config,
  Data,
  Deferred,
  Duration,
  Effect,
  Either,
  Exit,
  Fiber,
  Layer,
  Option,
  ParseResult,
  Redacted,
  Schedule,
  Schema,
  ScopedRef
} from "effect"
import type { Scope } from "effect"
import {
  BrokerUnavailable,
  EventBroker,
  MessagesRefused,
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
  /** On shutdown, how long handlers at work may take to finish their message before they are interrupted. */
  readonly shutdownGrace?: Duration.DurationInput
}

export interface ServiceBusTuning {
  /** Sessions (users) handled at once by one consumer. */
  readonly maxConcurrentSessions?: number
  /** How long a session with nothing new is kept before its worker takes another one. */
  readonly sessionIdleTimeout?: Duration.DurationInput
  /** First wait before a failed delivery is handed back; doubles with each delivery, up to `maxRedeliveryDelay`. */
  readonly redeliveryDelay?: Duration.DurationInput
  readonly maxRedeliveryDelay?: Duration.DurationInput
  /** How long the SDK keeps renewing a session lock, counted from the session's acceptance (0 = never). */
  readonly maxLockRenewal?: Duration.DurationInput
  /**
   * How long a worker keeps one session before it lets it go and accepts the next (the same one
   * again if it still has messages). The message in hand then must be settled before the lock
   * renewal ends, so at most half of `maxLockRenewal` is used.
   */
  readonly maxSessionHold?: Duration.DurationInput
  /** Different keys' batches sent at the same time (one key's always one after another). */
  readonly maxConcurrentSends?: number
  /** The SDK's per-operation timeout, also how long accepting the next session long-polls. */
  readonly operationTimeout?: Duration.DurationInput
}

export type ServiceBusEventBrokerOptions = ServiceBusTopology & ServiceBusSettings & ServiceBusTuning

/**
 * `SERVICEBUS_CONNECTION_STRING` (secret), `SERVICEBUS_TOPIC` (default `bot-events`) and
 * `SERVICEBUS_SHUTDOWN_GRACE` (default 20 seconds, inside the 30 s a container gets to stop).
 */
export const ServiceBusConfig: Config.Config<ServiceBusSettings> = Config.all({
  connectionString: Config.redacted("SERVICEBUS_CONNECTION_STRING"),
  topic: Config.string("SERVICEBUS_TOPIC").pipe(Config.withDefault("bot-events")),
  shutdownGrace: Config.duration("SERVICEBUS_SHUTDOWN_GRACE").pipe(Config.withDefault(Duration.seconds(20)))
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

/** The service refuses a transfer over the entity's size limit; the SDK refuses a message that cannot fit a batch. */
const isTooLarge = (error: unknown) => isServiceBusError(error) && error.code === "MessageSizeExceeded"

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
 * The topic or a subscription the adapter relies on is not in the namespace: a deployment to fix,
 * not an outage to wait out (a missing subscription would silently drop its consumer's events).
 */
export class ServiceBusEntityMissing extends Data.TaggedError("ServiceBusEntityMissing")<{
  /** Each as "topic bot-events (MessagingEntityNotFound)" or "subscription bot-events/Subscriptions/images (...)". */
  readonly missing: ReadonlyArray<string>
}> {
  override get message(): string {
    return `Service Bus has no ${this.missing.join(", no ")}; create the entities as deploy/service-bus.md says (deploy/service-bus/create-entities.sh), or correct SERVICEBUS_TOPIC`
  }
}

/** The broker refused to hand out a session (busy, a forced detach): that accept alone is tried again. */
class AcceptRefused extends Data.TaggedError("AcceptRefused")<{ readonly reason: string }> {}

/**
 * An accept refused is tried again after 200 ms, doubling, about 12 s in all (the SDK's own three
 * quick retries come first); refused longer than that, the connection is taken for broken.
 */
const acceptAgain = Schedule.exponential("200 millis").pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(6)))

/**
 * At start, whether the topic takes a sender and each subscription answers a peek (which locks and
 * takes nothing). Only an entity Service Bus says does not exist stops the start; a namespace that
 * cannot be reached now is left to the consumers' and the relay's retries.
 */
const checkEntities = (options: ServiceBusSettings & ServiceBusTopology & ServiceBusTuning) =>
  Effect.scoped(
    Effect.gen(function* () {
      const { topic } = options
      const timeoutInMs = Math.min(Duration.toMillis(options.operationTimeout ?? "10 seconds"), 10_000)
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => new ServiceBusClient(Redacted.value(options.connectionString), { retryOptions: { maxRetries: 0, timeoutInMs } })),
        closeQuietly
      )
      const probe = (entity: string, attempt: (abortSignal: AbortSignal) => Promise<unknown>) =>
        Effect.tryPromise({ try: attempt, catch: (error) => error }).pipe(
          Effect.timeout(Duration.millis(timeoutInMs + 1000)),
          Effect.match({
            onSuccess: () => Either.right(entity),
            onFailure: (error) =>
              isServiceBusError(error) && error.code === "MessagingEntityNotFound" ? Either.left(`${entity} (${error.code})`) : Either.right(entity)
          })
        )
      const results = yield* Effect.all(
        [
          probe(`topic ${topic}`, async (abortSignal) => {
            const sender = client.createSender(topic)
            await sender.createMessageBatch({ abortSignal }).finally(() => sender.close())
          }),
          ...options.subscriptions.map((subscription) =>
            probe(`subscription ${topic}/Subscriptions/${subscription.name}`, async (abortSignal) => {
              const receiver = client.createReceiver(topic, subscription.name, { skipParsingBodyAsJson: true })
              await receiver.peekMessages(1, { abortSignal }).finally(() => receiver.close())
            })
          )
        ],
        { concurrency: "unbounded" }
      )
      const missing = Arr.getLefts(results)
      if (missing.length > 0) return yield* new ServiceBusEntityMissing({ missing })
    })
  )

/** What ends a consumer's connection: a shutdown, or the connection found broken. */
interface Stopping {
  readonly requested: Effect.Effect<boolean>
  readonly awaited: Effect.Effect<void>
}

/**
 * The event broker on Azure Service Bus: one topic, a session-enabled subscription per consumer.
 *
 * On the wire: `messageId` = the message id (duplicate detection), `sessionId` = its key (one
 * user's events in order, one at a time), `subject` and the `eventType` property = its event type,
 * the body the envelope's UTF-8 JSON.
 *
 * The deployment creates the entities (this adapter does not manage them): see
 * `serviceBusEntities` and `deploy/service-bus/create-entities.sh`.
 *
 * Publishing: one key's messages in batches as large as the link allows, in order; different
 * keys' at the same time (a batch holds one session: on partitioned entities, which Premium
 * namespaces are, Service Bus refuses a batch that spans partitions). A message too large for
 * Service Bus is left out and reported with `MessagesRefused` once the others are sent.
 *
 * Consuming: workers accept the next free session, take its messages one by one and settle each
 * from the handler's result (success: complete; PermanentFailure: dead-letter; RetryableFailure, StorageOutage or
 * a defect: wait, then abandon, or dead-letter at the last delivery, with the handler's reason),
 * and move on once the session is idle or has been held `maxSessionHold`: the SDK renews a
 * session's lock only up to `maxLockRenewal` after its acceptance, and a lock lost lets another
 * worker take the same user's events at the same time. A retry waits inside its session rather
 * than as a scheduled copy: a copy would let the user's later events overtake it. A message that
 * arrives on a link that has closed meanwhile (the SDK can close a link on a drain and still
 * return what came) is not handled: its settlement would fail and it would be handled twice.
 * An accept the broker refuses is tried again on its own; the other workers go on. Shutdown stops
 * the accepts, lets the handlers at work finish within `shutdownGrace`, settles, then closes.
 * Dead letters are read from `<topic>/Subscriptions/<sub>/$DeadLetterQueue` and replayed by
 * re-sending them to their subscription.
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
    const holdMs = Duration.toMillis(options.maxSessionHold ?? "1 minute")
    const sessionHoldMs = lockRenewalMs > 0 ? Math.min(holdMs, lockRenewalMs / 2) : holdMs
    const shutdownGrace = Duration.decode(options.shutdownGrace ?? "20 seconds")
    const sendConcurrency = options.maxConcurrentSends ?? 16
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
    yield* checkEntities(options)

    interface Refusal {
      readonly id: string
      readonly reason: string
    }

    /** Sends one key's messages in order, in batches as large as the link allows; answers the ones too large to send. */
    const sendInOrder = async (sender: ServiceBusSender, messages: ReadonlyArray<ServiceBusMessage>, abortSignal: AbortSignal) => {
      const refused: Array<Refusal> = []
      let batch = await sender.createMessageBatch({ abortSignal })
      let inBatch: Array<ServiceBusMessage> = []
      const sendBatch = async () => {
        if (batch.count === 0) return
        try {
          await sender.sendMessages(batch, { abortSignal })
        } catch (error) {
          if (!isTooLarge(error)) throw error
          // The service measured the batch larger than the SDK did: find the culprits one by one.
          for (const message of inBatch) {
            try {
              await sender.sendMessages(message, { abortSignal })
            } catch (single) {
              if (!isTooLarge(single)) throw single
              refused.push({ id: String(message.messageId), reason: describe(single) })
            }
          }
        }
        batch = await sender.createMessageBatch({ abortSignal })
        inBatch = []
      }
      for (const message of messages) {
        if (!batch.tryAddMessage(message)) {
          await sendBatch()
          if (!batch.tryAddMessage(message)) {
            refused.push({ id: String(message.messageId), reason: `larger than the ${batch.maxSizeInBytes} bytes a Service Bus batch may hold` })
            continue
          }
        }
        inBatch.push(message)
      }
      await sendBatch()
      return refused
    }

    /** Sends the messages, each key's in order and different keys' at once; answers the ones too large to send. */
    const send = (messages: ReadonlyArray<ServiceBusMessage>) => {
      const bySession = new Map<string, Array<ServiceBusMessage>>()
      for (const message of messages) {
        const session = message.sessionId ?? ""
        bySession.set(session, [...(bySession.get(session) ?? []), message])
      }
      return ScopedRef.get(senderRef).pipe(
        Effect.flatMap((sender) =>
          Effect.forEach(
            bySession.values(),
            (group) =>
              Effect.tryPromise({
                try: (abortSignal) => sendInOrder(sender, group, abortSignal),
                catch: unavailable("publishing to Service Bus failed")
              }),
            { concurrency: sendConcurrency }
          )
        ),
        Effect.map(Arr.flatten),
        Effect.timeoutFail({
          duration: Duration.sum(Duration.millis(retryOptions.timeoutInMs), "2 seconds"),
          onTimeout: () => new BrokerUnavailable({ reason: "publishing to Service Bus timed out" })
        }),
        Effect.tapError(() => ScopedRef.set(senderRef, openSender).pipe(Effect.ignore))
      )
    }

    const publish = (messages: ReadonlyArray<BrokerMessage>) =>
      send(messages.map(toWire)).pipe(
        Effect.flatMap((refused) =>
          refused.length === 0
            ? Effect.void
            : Effect.logError("Service Bus cannot take these events; the others were published").pipe(
                Effect.annotateLogs("refused", refused),
                Effect.zipRight(Effect.fail(new MessagesRefused({ refused })))
              )
        )
      )

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
    const handle = (
      name: string,
      receiver: ServiceBusSessionReceiver,
      message: ServiceBusReceivedMessage,
      handler: MessageHandler,
      stopping: Stopping
    ) =>
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
        // A shutdown does not wait out the delay: the message is handed back at once.
        yield* Effect.raceFirst(
          Effect.sleep(Duration.min(Duration.times(redeliveryDelay, 2 ** (deliveries - 1)), maxRedeliveryDelay)),
          stopping.awaited
        )
        return yield* settle("abandon", () => receiver.abandonMessage(message))
      })

    /**
     * The next session with messages, or none when the broker had none before its long poll ended.
     * Fails with AcceptRefused when the broker refused, BrokerUnavailable when the connection hangs.
     */
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
              : Effect.fail(new AcceptRefused({ reason: `accepting a session of ${name} failed: ${describe(error)}` }))
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

    /** An accept refused is tried again alone; refused again and again, the connection is broken. */
    const acceptOrRetry = (consumerClient: ServiceBusClient, name: string) =>
      acceptSession(consumerClient, name).pipe(
        Effect.tapErrorTag("AcceptRefused", (error) =>
          Effect.logWarning("Service Bus refused a session; trying again").pipe(Effect.annotateLogs("reason", error.reason))
        ),
        Effect.retry({ schedule: acceptAgain, while: (error) => error._tag === "AcceptRefused" }),
        Effect.catchTag("AcceptRefused", (error) => Effect.fail(new BrokerUnavailable({ reason: error.reason })))
      )

    /** Whether a message just received may be handled: its link still open and its session still locked. */
    const stillHeld = (receiver: ServiceBusSessionReceiver) =>
      Effect.map(Clock.currentTimeMillis, (now) => !receiver.isClosed && receiver.sessionLockedUntilUtc.getTime() > now)

    const serveSession = (name: string, receiver: ServiceBusSessionReceiver, handler: MessageHandler, stopping: Stopping) =>
      Effect.gen(function* () {
        const letGoAt = (yield* Clock.currentTimeMillis) + sessionHoldMs
        while (!(yield* stopping.requested) && (yield* Clock.currentTimeMillis) < letGoAt) {
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
          if (!(yield* stillHeld(receiver))) {
            return yield* Effect.logWarning("A message came on a session link that has closed; left for redelivery").pipe(
              Effect.annotateLogs({ subscription: name, messageId: String(message.messageId) })
            )
          }
          if (!(yield* handle(name, receiver, message, handler, stopping))) return
        }
      })

    /** Takes sessions one after another until stopped; fails when the connection is broken. */
    const worker = (consumerClient: ServiceBusClient, name: string, handler: MessageHandler, stopping: Stopping) =>
      Effect.gen(function* () {
        while (!(yield* stopping.requested)) {
          yield* Effect.scoped(
            Effect.flatMap(
              Effect.raceFirst(acceptOrRetry(consumerClient, name), Effect.as(stopping.awaited, Option.none())),
              (receiver) =>
                Option.match(receiver, { onNone: () => Effect.void, onSome: (session) => serveSession(name, session, handler, stopping) })
            )
          )
        }
      })

    /**
     * The workers on one connection of their own, until a shutdown or until one of them finds the
     * connection broken: then they stop taking sessions, finish the message in hand (within the
     * grace) and the consumer starts again on a new connection after a backoff, as the SDK's own
     * recovery of a dropped connection can stall its link openings for minutes.
     */
    const runConnection = (name: string, handler: MessageHandler, shutdown: Deferred.Deferred<void>) =>
      Effect.scoped(
        Effect.gen(function* () {
          const consumerClient = yield* openClient
          const stop = yield* Deferred.make<void>()
          const broken = yield* Deferred.make<BrokerUnavailable>()
          const stopping: Stopping = { requested: Deferred.isDone(stop), awaited: Deferred.await(stop) }
          yield* Effect.forkScoped(
            Effect.raceFirst(Deferred.await(shutdown), Effect.asVoid(Deferred.await(broken))).pipe(
              Effect.zipRight(Deferred.succeed(stop, undefined))
            )
          )
          const workers = yield* Effect.fork(
            Effect.all(
              Array.from({ length: concurrency }, () =>
                worker(consumerClient, name, handler, stopping).pipe(Effect.catchAll((error) => Deferred.succeed(broken, error)))
              ),
              { concurrency: "unbounded", discard: true }
            )
          )
          yield* Deferred.await(stop)
          yield* Fiber.await(workers).pipe(Effect.timeout(shutdownGrace), Effect.ignore)
          yield* Fiber.interrupt(workers)
          if (yield* Deferred.isDone(broken)) return yield* Effect.flatMap(Deferred.await(broken), Effect.fail)
        })
      )

    const consume = (name: string, handler: MessageHandler): Effect.Effect<void, BrokerUnavailable, Scope.Scope> =>
      Effect.gen(function* () {
        yield* knownSubscription(name)
        const shutdown = yield* Deferred.make<void>()
        const running = yield* Effect.forkScoped(
          runConnection(name, handler, shutdown).pipe(Effect.retry(reconnect), Effect.annotateLogs("subscription", name))
        )
        // Finalizers run last added first: the handlers at work get their grace before the consumer is interrupted.
        yield* Effect.addFinalizer(() =>
          Deferred.succeed(shutdown, undefined).pipe(
            Effect.zipRight(Fiber.await(running).pipe(Effect.interruptible, Effect.timeout(shutdownGrace))),
            Effect.ignore
          )
        )
      })

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
          const refused = yield* send([
            {
              ...toWire(original),
              messageId: `${original.id}:replay:${String(letter.sequenceNumber)}`,
              to: name,
              applicationProperties: { eventType: original.eventType, replayOf: original.id }
            }
          ])
          // It went through Service Bus once; refused now, the letter stays where it is.
          if (refused.length > 0) return yield* new BrokerUnavailable({ reason: `replaying ${original.id}: ${refused[0]!.reason}` })
          yield* settle("complete", () => receiver.completeMessage(letter))
          return true
        })
      )

    const ofKey = (key: string) => (message: ServiceBusReceivedMessage) =>
      Either.match(decodeReceived(message), { onLeft: () => false, onRight: (received) => received.sessionId === key })

    /**
     * Service Bus cannot delete queued messages, by session or otherwise: a key's queued messages
     * are still delivered (their consumers find the person gone), and settled ones are gone already.
     * What would stay are its dead letters, which keep their bodies until someone acts: those are
     * received and completed; the others are handed back when the scope closes.
     */
    const forgetKey = (key: string) =>
      Effect.forEach(
        subscriptionNames,
        (name) =>
          Effect.scoped(
            Effect.gen(function* () {
              const receiver = yield* openDeadLetterQueue(name)
              if (!(yield* peekAll(receiver)).some(ofKey(key))) return
              const passed: Array<ServiceBusReceivedMessage> = []
              yield* Effect.addFinalizer(() =>
                Effect.forEach(passed, (message) => Effect.ignore(settle("abandon", () => receiver.abandonMessage(message))), {
                  discard: true
                })
              )
              for (;;) {
                const batch = yield* Effect.tryPromise({
                  try: (abortSignal) => receiver.receiveMessages(pageSize, { maxWaitTimeInMs: idleMs, abortSignal }),
                  catch: unavailable(`reading the dead letters of ${name} failed`)
                })
                if (batch.length === 0) return
                for (const message of batch) {
                  if (ofKey(key)(message)) yield* settle("complete", () => receiver.completeMessage(message))
                  else passed.push(message)
                }
              }
            })
          ),
        { discard: true }
      )

    return EventBroker.of({ publish, consume, deadLetters, replayDeadLetter, forgetKey })
  })

export const ServiceBusEventBroker = {
  /** The broker with explicit settings (tests, or settings read elsewhere). */
  layer: (options: ServiceBusEventBrokerOptions) => Layer.scoped(EventBroker, makeServiceBusEventBroker(options)),
  /** The broker with its connection from `SERVICEBUS_CONNECTION_STRING` and `SERVICEBUS_TOPIC`. */
  fromConfig: (topology: ServiceBusTopology, tuning: ServiceBusTuning = {}) =>
    Layer.scoped(
      EventBroker,
      Effect.flatMap(ServiceBusConfig, (settings) => makeServiceBusEventBroker({ ...topology, ...tuning, ...settings }))
    )
}
