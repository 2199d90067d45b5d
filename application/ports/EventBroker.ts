import { Context, Schema } from "effect"
import type { Effect, Scope } from "effect"

/**
 * One message on the bus: the serialized event envelope, with the broker's metadata.
 * `id` is the outbox id (the key of duplicate detection); `key` orders delivery (the internal user
 * id, or the event's own aggregate id when no user is involved).
 */
export interface BrokerMessage {
  readonly id: string
  readonly key: string
  readonly eventType: string
  readonly body: string
}

/** A delivery that went wrong; it will be delivered again, up to the broker's limit. */
export class RetryableFailure extends Schema.TaggedError<RetryableFailure>()("RetryableFailure", {
  reason: Schema.String
}) {}

/** A delivery that can never succeed; it goes straight to the dead letters. */
export class PermanentFailure extends Schema.TaggedError<PermanentFailure>()("PermanentFailure", {
  reason: Schema.String
}) {}

/**
 * The consumer's storage could not be reached or refused the work (`StorageUnavailable`): not the
 * message's fault. A broker counts it as a retryable failure; the standalone workers first ask
 * whether storage answers, and while it does not they hold the delivery and take no more work
 * (`application/workers/pauseWhileStorageDown.ts`), so an outage of any length dead-letters nothing.
 */
export class StorageOutage extends Schema.TaggedError<StorageOutage>()("StorageOutage", {
  reason: Schema.String
}) {}

export type DeliveryFailure = RetryableFailure | PermanentFailure | StorageOutage

export class BrokerUnavailable extends Schema.TaggedError<BrokerUnavailable>()("BrokerUnavailable", {
  reason: Schema.String
}) {}

/**
 * Messages the broker can never take (over its size limit): sending them again cannot help. Every
 * other message of the same publish was published. Each is recorded for review, not retried.
 */
export class MessagesRefused extends Schema.TaggedError<MessagesRefused>()("MessagesRefused", {
  refused: Schema.Array(Schema.Struct({ id: Schema.String, reason: Schema.String }))
}) {}

/** A consumer's view of the topic: the event types it wants. */
export interface Subscription {
  readonly name: string
  readonly eventTypes: ReadonlyArray<string>
}

export interface DeadLetter {
  readonly message: BrokerMessage
  readonly subscription: string
  readonly reason: string
  readonly deliveries: number
}

export type MessageHandler = (message: BrokerMessage) => Effect.Effect<void, DeliveryFailure>

/**
 * The event bus between services. Delivery is at least once; a message id published twice is
 * delivered once; one key's messages reach a subscription in order, one at a time.
 */
export class EventBroker extends Context.Tag("whatsapp-astria-bot/EventBroker")<
  EventBroker,
  {
    readonly publish: (messages: ReadonlyArray<BrokerMessage>) => Effect.Effect<void, BrokerUnavailable | MessagesRefused>
    /** Handles the subscription's messages until the scope closes. */
    readonly consume: (
      subscription: string,
      handler: MessageHandler
    ) => Effect.Effect<void, BrokerUnavailable, Scope.Scope>
    readonly deadLetters: (subscription: string) => Effect.Effect<ReadonlyArray<DeadLetter>, BrokerUnavailable>
    /** Sends a dead letter back to its subscription; false when no dead letter has that id. */
    readonly replayDeadLetter: (subscription: string, messageId: string) => Effect.Effect<boolean, BrokerUnavailable>
    /**
     * Forgets one key's messages in every subscription: queued, settled and dead-lettered, so
     * erasing a person leaves no event of theirs behind. A delivery already under way may finish.
     * Brokers that cannot remove queued messages say so (see each adapter).
     */
    readonly forgetKey: (key: string) => Effect.Effect<void, BrokerUnavailable>
  }
>() {}
