import type { Subscription } from "../../application/ports/EventBroker.js"

/**
 * What the Service Bus adapter relies on in the entities the deployment creates (it creates
 * none itself); `deploy/service-bus/create-entities.sh` creates them, and a test holds the two
 * together. Durations are ISO 8601, as the Azure CLI takes them.
 */
export const serviceBusEntities = {
  /** The topic's name unless `SERVICEBUS_TOPIC` says otherwise. */
  topic: "bot-events",
  /**
   * Duplicate detection on the topic, keyed by `messageId` (the outbox id): a relay that dies
   * between sending and marking sends again after its 30 s lease, well inside this window.
   */
  duplicateDetectionWindow: "PT10M",
  /** Sessions required on every subscription: one user's events in order, one at a time. */
  requiresSession: true,
  /**
   * The session lock, renewed by the SDK (for up to `maxLockRenewal`, 5 minutes, from the
   * session's acceptance); a worker that dies holds its users' events back this long.
   */
  lockDuration: "PT1M",
  /** Deliveries before Service Bus dead-letters a message: the adapter's `maxDeliveries`. */
  maxDeliveryCount: 10
} as const

export interface SubscriptionRule {
  readonly name: string
  readonly sqlFilter: string
}

/**
 * A subscription's rules, in place of `$Default`: its event types for messages addressed to no
 * one, and a replayed dead letter, which the adapter addresses (`To`) to the one subscription it
 * came from.
 */
export const subscriptionRules = (subscription: Subscription): ReadonlyArray<SubscriptionRule> => [
  {
    name: "events",
    sqlFilter: `sys.Label IN (${subscription.eventTypes.map((eventType) => `'${eventType}'`).join(",")}) AND sys.To IS NULL`
  },
  { name: "replays", sqlFilter: `sys.To = '${subscription.name}'` }
]
