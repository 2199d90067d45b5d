import { Context, Schema } from "effect"
import type { Duration, Effect } from "effect"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/** An event written in the same transaction as the change that caused it, waiting to be published. */
export class OutboxEvent extends Schema.Class<OutboxEvent>("OutboxEvent")({
  id: Schema.UUID,
  eventType: Schema.String,
  /** The ordering key: the internal user id, or the aggregate's own id. */
  key: Schema.String,
  /** The serialized envelope. */
  body: Schema.String,
  createdAt: Schema.DateFromSelf,
  attempts: Schema.Int
}) {}

/**
 * An event as it is written: it has not been attempted yet. `availableAt` (default `createdAt`)
 * is when relays may first claim it: later for an event its writer hands to its own process's
 * relay (see `OutboxWakeup.handOver`), so that no other relay takes it meanwhile.
 */
export type NewOutboxEvent = Omit<OutboxEvent, "attempts"> & { readonly availableAt?: Date }

export interface OutboxStats {
  readonly pending: number
  readonly published: number
  readonly oldestPendingAt: Date | undefined
}

export class Outbox extends Context.Tag("whatsapp-astria-bot/Outbox")<
  Outbox,
  {
    readonly add: (events: ReadonlyArray<NewOutboxEvent>) => Effect.Effect<void, StorageUnavailable>
    /**
     * Takes up to `limit` due, unpublished events in creation order, skipping rows another relay
     * holds, and leases them for `lease` (they come back if the relay dies before marking them).
     */
    readonly claim: (
      limit: number,
      now: Date,
      lease: Duration.DurationInput
    ) => Effect.Effect<ReadonlyArray<OutboxEvent>, StorageUnavailable>
    readonly markPublished: (ids: ReadonlyArray<string>, now: Date) => Effect.Effect<void, StorageUnavailable>
    /** The broker refused: try again at `at`. */
    readonly retryAt: (ids: ReadonlyArray<string>, at: Date, reason: string) => Effect.Effect<void, StorageUnavailable>
    readonly stats: Effect.Effect<OutboxStats, StorageUnavailable>
    readonly deletePublishedBefore: (cutoff: Date) => Effect.Effect<number, StorageUnavailable>
    /** Removes every event keyed to `key`, published or not: an erased person's events carry their messages. */
    readonly deleteForKey: (key: string) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
