import type { Option } from "effect"
import { Context, Effect, Exit, FiberRef, Layer } from "effect"
import type { AttentionItem } from "../../application/ports/AttentionItems.js"
import type { FeedbackRecord, RatingRecord } from "../../application/ports/Feedback.js"
import type { InboundMessageRecord } from "../../application/ports/InboundMessages.js"
import type { OrderRecord } from "../../application/ports/Orders.js"
import type { OutboundIntent } from "../../application/ports/OutboundMessages.js"
import type { OutboxEvent } from "../../application/ports/Outbox.js"
import type { PackRecord } from "../../application/ports/Packs.js"
import type { PaymentRecord } from "../../application/ports/PaymentRecords.js"
import type { StoredPhoto } from "../../application/ports/Photos.js"
import type { TuneRecord } from "../../application/ports/Tunes.js"
import type { UserRecord } from "../../application/ports/Users.js"
import type { FailedEvent } from "../../application/ports/FailedEvents.js"

export interface UserRow {
  readonly record: UserRecord
  readonly conversation: Option.Option<unknown>
}

export interface OutboundRow {
  readonly intent: OutboundIntent
  readonly nextAttemptAt: Date
}

export interface InboundRow {
  readonly record: InboundMessageRecord
  /** Unset until the sender is known to be a user. */
  readonly userId: string | undefined
}

export interface OutboxRow {
  readonly event: OutboxEvent
  readonly seq: number
  readonly nextAttemptAt: Date
  readonly publishedAt: Date | undefined
  readonly lastError: string | undefined
}

export interface DeliveryRow {
  readonly orderId: string
  readonly promptId: number
  readonly userId: string | undefined
  readonly imageUrls: ReadonlyArray<string>
  readonly claimedAt: Date
}

/**
 * The tables. Rows are immutable values: a change replaces the row, so copying the maps is a
 * complete snapshot.
 */
export interface Tables {
  users: Map<string, UserRow>
  inbound: Map<string, InboundRow>
  /** Message ids seen, with when first seen: deduplication, kept apart from the history. */
  seenInbound: Map<string, Date>
  outbound: Map<string, OutboundRow>
  photos: Map<string, StoredPhoto>
  packs: Map<number, PackRecord>
  orders: Map<string, OrderRecord>
  tunes: Map<number, TuneRecord>
  deliveries: Map<string, DeliveryRow>
  payments: Map<string, PaymentRecord>
  ratings: Array<RatingRecord>
  feedback: Map<string, FeedbackRecord>
  /** By number. */
  attention: Map<number, AttentionItem>
  outbox: Map<string, OutboxRow>
  /** Handled events by consumer and event id, with when they were handled. */
  inbox: Map<string, Date>
  failedEvents: Map<string, FailedEvent>
  /** The last number given out (outbox rows and outbound intents are numbered in creation order). */
  sequence: number
}

const emptyTables = (): Tables => ({
  users: new Map(),
  inbound: new Map(),
  seenInbound: new Map(),
  outbound: new Map(),
  photos: new Map(),
  packs: new Map(),
  orders: new Map(),
  tunes: new Map(),
  deliveries: new Map(),
  payments: new Map(),
  ratings: [],
  feedback: new Map(),
  attention: new Map(),
  outbox: new Map(),
  inbox: new Map(),
  failedEvents: new Map(),
  sequence: 0
})

const snapshot = (t: Tables): Tables => ({
  users: new Map(t.users),
  inbound: new Map(t.inbound),
  seenInbound: new Map(t.seenInbound),
  outbound: new Map(t.outbound),
  photos: new Map(t.photos),
  packs: new Map(t.packs),
  orders: new Map(t.orders),
  tunes: new Map(t.tunes),
  deliveries: new Map(t.deliveries),
  payments: new Map(t.payments),
  ratings: [...t.ratings],
  feedback: new Map(t.feedback),
  attention: new Map(t.attention),
  outbox: new Map(t.outbox),
  inbox: new Map(t.inbox),
  failedEvents: new Map(t.failedEvents),
  sequence: t.sequence
})

/** What a JSON column keeps of a value: the in-memory store hands back what Postgres would. */
export const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

/**
 * One in-memory database. Every port call is one synchronous step on the tables. Transactions
 * are serialized by one semaphore and restored from a snapshot when they fail; a call outside a
 * transaction also waits for the semaphore, so it never sees, nor is lost with, a transaction's
 * uncommitted work. A nested transaction (known by a FiberRef, inherited by forked fibers) does
 * not wait on itself: it is a savepoint, undone alone when it fails.
 */
export class InMemoryDatabase extends Context.Tag("whatsapp-astria-bot/InMemoryDatabase")<
  InMemoryDatabase,
  {
    readonly run: <A>(step: (tables: Tables) => A) => Effect.Effect<A>
    readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
    readonly inTransaction: Effect.Effect<boolean>
  }
>() {
  static readonly layer = Layer.sync(InMemoryDatabase, () => {
    let tables = emptyTables()
    const semaphore = Effect.unsafeMakeSemaphore(1)
    const inTransactionRef = FiberRef.unsafeMake(false)

    const restoringOnFailure = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.suspend(() => {
        const saved = snapshot(tables)
        return Effect.onExit(effect, (exit) =>
          Exit.isFailure(exit)
            ? Effect.sync(() => {
                tables = saved
              })
            : Effect.void
        )
      })

    const inTransaction = FiberRef.get(inTransactionRef)

    return InMemoryDatabase.of({
      inTransaction,
      run: (step) =>
        Effect.flatMap(inTransaction, (inside) => {
          const once = Effect.sync(() => step(tables))
          return inside ? once : semaphore.withPermits(1)(once)
        }),
      transaction: (effect) =>
        Effect.flatMap(inTransaction, (inside) =>
          inside
            ? restoringOnFailure(effect)
            : semaphore.withPermits(1)(restoringOnFailure(Effect.locally(effect, inTransactionRef, true)))
        )
    })
  })
}

/** Rows of a map in a stable order. */
export const sorted = <A>(rows: Iterable<A>, compare: (a: A, b: A) => number): Array<A> => [...rows].sort(compare)

export const byTime = (a: Date, b: Date): number => a.getTime() - b.getTime()
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
