import { Context, Schema } from "effect"
import type { Effect, Option } from "effect"
import { AttentionReason } from "../../domain/attention/AttentionReason.js"
import { OrderId, UserId } from "../../domain/ids.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/** A line of the conversation kept with a help request, so support sees what the person saw. */
export class ConversationLine extends Schema.Class<ConversationLine>("ConversationLine")({
  at: Schema.Date,
  from: Schema.Literal("person", "bot"),
  text: Schema.String
}) {}

/** Something support did or said about an item: a reply sent, a retry, a refund. */
export class AttentionNote extends Schema.Class<AttentionNote>("AttentionNote")({
  at: Schema.Date,
  author: Schema.String,
  text: Schema.String
}) {}

/** What is known when an item is opened. */
export class NewAttentionItem extends Schema.Class<NewAttentionItem>("NewAttentionItem")({
  id: Schema.String,
  reason: AttentionReason,
  /** Told to support at once, and listed first. */
  urgent: Schema.Boolean,
  userId: Schema.OptionFromNullOr(UserId),
  orderId: Schema.OptionFromNullOr(OrderId),
  /** The person's stage in the conversation when it was opened. */
  stage: Schema.OptionFromNullOr(Schema.String),
  /** For support, never a phone number. */
  detail: Schema.String,
  /**
   * At most one open item per key: a cause that hits many orders at once (Astria out of credits)
   * is one item, and support is told once per outage, not once per order.
   */
  dedupeKey: Schema.OptionFromNullOr(Schema.String),
  context: Schema.Array(ConversationLine),
  openedAt: Schema.DateFromSelf
}) {}

/**
 * One thing a person on our side must act on: a help request or an order that cannot go on by
 * itself. `number` is the short reference support uses ("#42"), in notifications and the CLI.
 */
export class AttentionItem extends Schema.Class<AttentionItem>("AttentionItem")({
  ...NewAttentionItem.fields,
  number: Schema.Int,
  notes: Schema.Array(AttentionNote),
  closedAt: Schema.OptionFromNullOr(Schema.DateFromSelf),
  resolution: Schema.OptionFromNullOr(Schema.String)
}) {}

export const AttentionState = Schema.Literal("open", "closed", "all")
export type AttentionState = typeof AttentionState.Type

export interface AttentionListing {
  readonly state: AttentionState
  readonly limit: number
  readonly offset: number
}

export class AttentionItems extends Context.Tag("whatsapp-astria-bot/AttentionItems")<
  AttentionItems,
  {
    /**
     * Opens the item, or, when an open item has the same `dedupeKey`, answers that one with
     * `opened: false` (the caller then tells nobody again).
     */
    readonly open: (
      item: NewAttentionItem
    ) => Effect.Effect<{ readonly item: AttentionItem; readonly opened: boolean }, StorageUnavailable>
    readonly get: (number: number) => Effect.Effect<Option.Option<AttentionItem>, StorageUnavailable>
    /** Urgent first, then oldest first. */
    readonly list: (listing: AttentionListing) => Effect.Effect<ReadonlyArray<AttentionItem>, StorageUnavailable>
    readonly openForOrder: (orderId: OrderId) => Effect.Effect<ReadonlyArray<AttentionItem>, StorageUnavailable>
    /** False when there is no such item or it was closed already. */
    readonly close: (number: number, at: Date, resolution: string) => Effect.Effect<boolean, StorageUnavailable>
    /**
     * Closes the open item of `dedupeKey`, if any: its cause went away by itself (the next
     * occurrence is a new incident, told again). True when one was closed.
     */
    readonly closeByKey: (dedupeKey: string, at: Date, resolution: string) => Effect.Effect<boolean, StorageUnavailable>
    /** False when there is no such item. */
    readonly addNote: (number: number, note: AttentionNote) => Effect.Effect<boolean, StorageUnavailable>
    readonly deleteForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
