import { Context } from "effect"
import type { Effect, Option } from "effect"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/** One subscription's queue now: events waiting (a retry's delay included), events being handled, and since when the oldest has been queued. */
export interface SubscriptionQueue {
  readonly waiting: number
  readonly leased: number
  readonly oldestQueuedAt: Option.Option<Date>
}

/**
 * The depth of a broker's queues, where the bot can read them: the Postgres broker's (in the
 * database) and the in-memory broker's; absent with Service Bus, whose queues the bot does not read.
 */
export class EventQueueReadings extends Context.Tag("whatsapp-astria-bot/EventQueueReadings")<
  EventQueueReadings,
  { readonly read: Effect.Effect<ReadonlyMap<string, SubscriptionQueue>, StorageUnavailable> }
>() {}
