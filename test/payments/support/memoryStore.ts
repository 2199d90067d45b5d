import { Context, Effect, Layer, Option, Ref } from "effect"
import { InMemoryAttentionItems } from "../../../adapters/memory/InMemoryAttentionItems.js"
import { InMemoryDatabase } from "../../../adapters/memory/InMemoryDatabase.js"
import type { Tables } from "../../../adapters/memory/InMemoryDatabase.js"
import { InMemoryInboundMessages } from "../../../adapters/memory/InMemoryInboundMessages.js"
import { InMemoryOrders } from "../../../adapters/memory/InMemoryOrders.js"
import { InMemoryOutboundMessages } from "../../../adapters/memory/InMemoryOutboundMessages.js"
import { InMemoryOutbox } from "../../../adapters/memory/InMemoryOutbox.js"
import { InMemoryPaymentRecords } from "../../../adapters/memory/InMemoryPaymentRecords.js"
import { InMemoryPhotos } from "../../../adapters/memory/InMemoryPhotos.js"
import { InMemoryTunes } from "../../../adapters/memory/InMemoryTunes.js"
import { InMemoryUnitOfWork } from "../../../adapters/memory/InMemoryUnitOfWork.js"
import { InMemoryUsers } from "../../../adapters/memory/InMemoryUsers.js"
import { OutboundWakeup, OutboxWakeup } from "../../../application/events/Wakeup.js"
import { Ids } from "../../../application/ports/Ids.js"
import { SupportSettings } from "../../../application/settings/SupportSettings.js"
import { Orders } from "../../../application/ports/Orders.js"
import type { OrderStatus } from "../../../domain/orders/OrderStatus.js"
import { StorageUnavailable } from "../../../application/ports/StorageUnavailable.js"
import { UnitOfWork } from "../../../application/ports/UnitOfWork.js"
import { Users } from "../../../application/ports/Users.js"
import { newConversation } from "../../../domain/conversation/Conversation.js"
import { UserId, type OrderId } from "../../../domain/ids.js"
import { orderAwaitingPayment, unique } from "./fixtures.js"

/** Switches the store's transactions off, as a database going away would. */
export class StorageOutage extends Context.Tag("test/StorageOutage")<StorageOutage, Ref.Ref<boolean>>() {}

/** The team's in-memory adapters of the ports these use cases touch, with their database in view. */
const storage = Layer.mergeAll(
  InMemoryUnitOfWork,
  InMemoryUsers,
  InMemoryOrders,
  InMemoryOutbox,
  InMemoryOutboundMessages,
  InMemoryPaymentRecords,
  InMemoryPhotos,
  InMemoryInboundMessages,
  InMemoryTunes,
  InMemoryAttentionItems
).pipe(Layer.provideMerge(InMemoryDatabase.layer))

/**
 * The team's in-memory storage, with what the payment use case also needs (ids, wakeups) and an
 * outage switch in front of its transactions. Each build is a new, empty database.
 */
export const memoryStore = Layer.effectContext(
  Effect.gen(function* () {
    const context = yield* Effect.context<Layer.Layer.Success<typeof storage>>()
    const inner = Context.get(context, UnitOfWork)
    const down = yield* Ref.make(false)
    const guarded = UnitOfWork.of({
      transaction: (effect) =>
        Effect.flatMap(Ref.get(down), (isDown) =>
          isDown ? Effect.fail(new StorageUnavailable({ reason: "test outage" })) : inner.transaction(effect)
        )
    })
    return context.pipe(Context.add(UnitOfWork, guarded), Context.add(StorageOutage, down))
  })
).pipe(Layer.provide(storage), Layer.merge(
    // No support number: attention items are recorded, and nobody is messaged.
    Layer.mergeAll(Ids.random, OutboxWakeup.layer, OutboundWakeup.layer, Layer.succeed(SupportSettings, { whatsAppNumber: Option.none() }))
  ))

export type MemoryStore = Layer.Layer.Success<typeof memoryStore>

export const setOutage = (down: boolean) => Effect.flatMap(StorageOutage, (ref) => Ref.set(ref, down))

/** Reads the tables directly, for what no port method tells. */
export const tables = <A>(read: (t: Tables) => A) => Effect.flatMap(InMemoryDatabase, (db) => db.run(read))

/** A user with a WhatsApp number and a stored conversation in `language`. */
export const seedUser = (language: "en" | "he" = "en") =>
  Effect.gen(function* () {
    const users = yield* Users
    const { user } = yield* users.resolve(
      { waId: Option.some(`9725${Math.floor(Math.random() * 1e8)}`), bsuid: Option.none(), profileName: Option.none() },
      UserId.make(unique("user")),
      new Date(0)
    )
    yield* users.saveConversation(user.id, newConversation(language))
    return user
  }).pipe(Effect.orDie)

export const seedOrder = (fields: {
  readonly userId: UserId
  readonly amountMinor?: number
  readonly currency?: string
  readonly tier?: string
  readonly status?: OrderStatus
}) =>
  Effect.gen(function* () {
    const order = orderAwaitingPayment(fields.userId, {
      tier: fields.tier ?? "Standard",
      amountMinor: fields.amountMinor ?? 1290,
      currency: fields.currency ?? "USD",
      status: fields.status ?? "AwaitingPayment"
    })
    yield* Effect.flatMap(Orders, (orders) => orders.create(order)).pipe(Effect.orDie)
    return order
  })

export const orderStatus = (id: OrderId) =>
  Effect.flatMap(Orders, (orders) => orders.get(id)).pipe(
    Effect.orDie,
    Effect.map(Option.match({ onNone: () => "missing", onSome: (order) => order.status }))
  )

export const payments = tables((t) => [...t.payments.values()])
export const paymentById = (id: string) => Effect.map(payments, (all) => all.find((payment) => payment.id === id))
export const outboxEvents = tables((t) => [...t.outbox.values()].map((row) => row.event))
export const attentionItems = tables((t) => [...t.attention.values()])
export const intents = tables((t) => [...t.outbound.values()].map((row) => row.intent))
