import { Context, Schema } from "effect"
import type { Effect } from "effect"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/** An event a consumer can never handle, kept for an operator where the broker cannot dead-letter it. */
export class FailedEvent extends Schema.Class<FailedEvent>("FailedEvent")({
  consumer: Schema.String,
  messageId: Schema.String,
  eventType: Schema.String,
  /** The event's ordering key (the user id), so erasing a person removes their failed events too. */
  key: Schema.String,
  reason: Schema.String,
  /** The serialized envelope, to replay once the cause is fixed. */
  body: Schema.String,
  failedAt: Schema.DateFromSelf
}) {}

/**
 * Where permanent failures are recorded when the handler must complete the message itself: an
 * Azure Functions trigger cannot dead-letter, so it records here, then completes.
 */
export class FailedEvents extends Context.Tag("whatsapp-astria-bot/FailedEvents")<
  FailedEvents,
  {
    /** Once per consumer and message; a redelivered failure changes nothing. */
    readonly record: (event: FailedEvent) => Effect.Effect<void, StorageUnavailable>
    readonly list: Effect.Effect<ReadonlyArray<FailedEvent>, StorageUnavailable>
    readonly deleteForKey: (key: string) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
