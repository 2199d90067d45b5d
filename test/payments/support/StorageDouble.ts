import { Effect, Layer, Option } from "effect"
import { OutboundWakeup, OutboxWakeup } from "../../../application/events/Wakeup.js"
import { Ids } from "../../../application/ports/Ids.js"
import { InboundMessages } from "../../../application/ports/InboundMessages.js"
import type { InboundMessageRecord } from "../../../application/ports/InboundMessages.js"
import { Orders } from "../../../application/ports/Orders.js"
import type { OrderRecord } from "../../../application/ports/Orders.js"
import { OutboundMessages } from "../../../application/ports/OutboundMessages.js"
import type { NewIntent } from "../../../application/ports/OutboundMessages.js"
import { Outbox } from "../../../application/ports/Outbox.js"
import type { OutboxEvent } from "../../../application/ports/Outbox.js"
import { PaymentRecords } from "../../../application/ports/PaymentRecords.js"
import type { PaymentRecord } from "../../../application/ports/PaymentRecords.js"
import { Photos } from "../../../application/ports/Photos.js"
import type { StoredPhoto } from "../../../application/ports/Photos.js"
import { StorageUnavailable } from "../../../application/ports/StorageUnavailable.js"
import { Tunes } from "../../../application/ports/Tunes.js"
import type { TuneRecord } from "../../../application/ports/Tunes.js"
import { UnitOfWork } from "../../../application/ports/UnitOfWork.js"
import { Users } from "../../../application/ports/Users.js"
import type { UserRecord } from "../../../application/ports/Users.js"

/**
 * A small stand-in for the storage ports, holding only what the payment and maintenance use cases
 * touch; every other method dies loudly. Used until the team's in-memory adapters land.
 */
export interface StoreState {
  down: boolean
  readonly payments: Map<string, PaymentRecord>
  readonly orders: Map<string, OrderRecord>
  readonly outbox: Array<{ readonly event: Omit<OutboxEvent, "attempts">; publishedAt: Date | undefined }>
  readonly users: Map<string, UserRecord>
  readonly conversations: Map<string, unknown>
  readonly intents: Array<NewIntent>
  photos: Array<StoredPhoto>
  inbound: Array<InboundMessageRecord>
  readonly tunes: Array<TuneRecord>
  /** Calls per port method, to see what a run touched. */
  readonly calls: Map<string, number>
}

export const emptyState = (): StoreState => ({
  down: false,
  payments: new Map(),
  orders: new Map(),
  outbox: [],
  users: new Map(),
  conversations: new Map(),
  intents: [],
  photos: [],
  inbound: [],
  tunes: [],
  calls: new Map()
})

const notDoubled = (name: string) => () => Effect.dieMessage(`${name} is not part of the storage double`)

export const storageDouble = (state: StoreState) => {
  const use = <A>(name: string, run: () => A): Effect.Effect<A, StorageUnavailable> =>
    Effect.suspend(() => {
      state.calls.set(name, (state.calls.get(name) ?? 0) + 1)
      return state.down ? Effect.fail(new StorageUnavailable({ reason: "the double is down" })) : Effect.sync(run)
    })
  const paidStatuses = new Set(["paid", "training", "delivered"])
  let uuid = 0

  return Layer.mergeAll(
    Layer.succeed(UnitOfWork, {
      transaction: (effect) =>
        state.down ? Effect.fail(new StorageUnavailable({ reason: "the double is down" })) : effect
    }),
    Layer.succeed(Ids, {
      uuid: Effect.sync(() => `00000000-0000-4000-8000-${String(++uuid).padStart(12, "0")}`)
    }),
    OutboxWakeup.layer,
    OutboundWakeup.layer,
    Layer.succeed(PaymentRecords, {
      recordIfNew: (payment) =>
        use("PaymentRecords.recordIfNew", () => {
          if (state.payments.has(payment.id)) return false
          state.payments.set(payment.id, payment)
          return true
        }),
      needingReview: use("PaymentRecords.needingReview", () =>
        [...state.payments.values()].filter((payment) => payment.outcome !== "accepted" && payment.outcome !== "not_paid")
      ),
      pseudonymizeUser: notDoubled("PaymentRecords.pseudonymizeUser")
    }),
    Layer.succeed(Orders, {
      create: (order) => use("Orders.create", () => void state.orders.set(order.id, order)),
      get: (id) => use("Orders.get", () => Option.fromNullable(state.orders.get(id))),
      listForUser: (userId) => use("Orders.listForUser", () => [...state.orders.values()].filter((o) => o.userId === userId)),
      markPaid: (id, at) =>
        use("Orders.markPaid", () => {
          const order = state.orders.get(id)
          if (order === undefined || order.status !== "awaiting_payment") return false
          state.orders.set(id, { ...order, status: "paid", paidAt: Option.some(at) })
          return true
        }),
      markPaymentMismatch: (id) =>
        use("Orders.markPaymentMismatch", () => {
          const order = state.orders.get(id)
          if (order !== undefined) state.orders.set(id, { ...order, status: "payment_mismatch" })
        }),
      startTraining: notDoubled("Orders.startTraining"),
      markDelivered: notDoubled("Orders.markDelivered"),
      overdue: notDoubled("Orders.overdue"),
      paidWithoutTune: Effect.dieMessage("Orders.paidWithoutTune is not part of the storage double"),
      list: ({ limit, offset }) => use("Orders.list", () => [...state.orders.values()].slice(offset, offset + limit)),
      deleteForUser: notDoubled("Orders.deleteForUser")
    }),
    Layer.succeed(Outbox, {
      add: (events) => use("Outbox.add", () => void state.outbox.push(...events.map((event) => ({ event, publishedAt: undefined })))),
      claim: notDoubled("Outbox.claim"),
      markPublished: notDoubled("Outbox.markPublished"),
      retryAt: notDoubled("Outbox.retryAt"),
      stats: Effect.dieMessage("Outbox.stats is not part of the storage double"),
      deletePublishedBefore: (cutoff) =>
        use("Outbox.deletePublishedBefore", () => {
          const keep = state.outbox.filter((row) => row.publishedAt === undefined || row.publishedAt >= cutoff)
          const deleted = state.outbox.length - keep.length
          state.outbox.splice(0, state.outbox.length, ...keep)
          return deleted
        })
    }),
    Layer.succeed(Users, {
      resolve: notDoubled("Users.resolve"),
      get: (id) => use("Users.get", () => Option.fromNullable(state.users.get(id))),
      changeNumber: notDoubled("Users.changeNumber"),
      lock: notDoubled("Users.lock"),
      loadConversation: (id) => use("Users.loadConversation", () => Option.fromNullable(state.conversations.get(id))),
      saveConversation: notDoubled("Users.saveConversation"),
      list: notDoubled("Users.list"),
      erase: notDoubled("Users.erase")
    }),
    Layer.succeed(OutboundMessages, {
      enqueue: (intents) => use("OutboundMessages.enqueue", () => void state.intents.push(...intents)),
      claimPending: notDoubled("OutboundMessages.claimPending"),
      markSent: notDoubled("OutboundMessages.markSent"),
      markFailed: notDoubled("OutboundMessages.markFailed"),
      retryAt: notDoubled("OutboundMessages.retryAt"),
      holdForWindow: notDoubled("OutboundMessages.holdForWindow"),
      holdIntent: notDoubled("OutboundMessages.holdIntent"),
      releaseHeld: notDoubled("OutboundMessages.releaseHeld"),
      recordStatus: notDoubled("OutboundMessages.recordStatus"),
      listForUser: notDoubled("OutboundMessages.listForUser"),
      deleteForUser: notDoubled("OutboundMessages.deleteForUser")
    }),
    Layer.succeed(Photos, {
      add: notDoubled("Photos.add"),
      countForUser: (userId) => use("Photos.countForUser", () => state.photos.filter((p) => p.userId === userId).length),
      hashesForUser: notDoubled("Photos.hashesForUser"),
      listForUser: (userId) => use("Photos.listForUser", () => state.photos.filter((p) => p.userId === userId)),
      deleteForUser: (userId) =>
        use("Photos.deleteForUser", () => {
          const before = state.photos.length
          state.photos = state.photos.filter((p) => p.userId !== userId)
          return before - state.photos.length
        }),
      deleteUnpaidOlderThan: (cutoff) =>
        use("Photos.deleteUnpaidOlderThan", () => {
          const payers = new Set([...state.orders.values()].filter((o) => paidStatuses.has(o.status)).map((o) => o.userId))
          const before = state.photos.length
          state.photos = state.photos.filter((p) => payers.has(p.userId) || p.createdAt >= cutoff)
          return before - state.photos.length
        })
    }),
    Layer.succeed(InboundMessages, {
      recordIfNew: notDoubled("InboundMessages.recordIfNew"),
      countForUser: notDoubled("InboundMessages.countForUser"),
      deleteOlderThan: (cutoff) =>
        use("InboundMessages.deleteOlderThan", () => {
          const before = state.inbound.length
          state.inbound = state.inbound.filter((m) => m.receivedAt >= cutoff)
          return before - state.inbound.length
        }),
      deleteForUser: notDoubled("InboundMessages.deleteForUser")
    }),
    Layer.succeed(Tunes, {
      add: notDoubled("Tunes.add"),
      savedForUser: notDoubled("Tunes.savedForUser"),
      listForUser: notDoubled("Tunes.listForUser"),
      markExpired: (now) =>
        use("Tunes.markExpired", () => {
          let marked = 0
          state.tunes.forEach((tune, i) => {
            if (!tune.expired && Option.exists(tune.expiresAt, (at) => at <= now)) {
              state.tunes[i] = { ...tune, expired: true }
              marked += 1
            }
          })
          return marked
        }),
      deleteForUser: notDoubled("Tunes.deleteForUser")
    })
  )
}
