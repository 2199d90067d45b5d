import { Effect, Layer, Option } from "effect"
import { OrderRecord, Orders } from "../../application/ports/Orders.js"
import { orderStatusesBefore } from "../../domain/orders/OrderStatus.js"
import type { OrderStatus } from "../../domain/orders/OrderStatus.js"
import { byText, byTime, InMemoryDatabase, sorted } from "./InMemoryDatabase.js"
import type { Tables } from "./InMemoryDatabase.js"

/** Moves the order on when its status is one of `from`; true when it did. */
const transition = (
  t: Tables,
  id: string,
  from: ReadonlyArray<OrderStatus>,
  change: Partial<ConstructorParameters<typeof OrderRecord>[0]>
) => {
  const order = t.orders.get(id)
  if (!order || !from.includes(order.status)) return false
  t.orders.set(id, new OrderRecord({ ...order, ...change }))
  return true
}

/** Without an ETA from Astria, the grace runs from the payment. */
const expectedAt = (o: OrderRecord) =>
  Option.getOrElse(Option.orElse(o.eta, () => o.paidAt), () => o.createdAt)

export const InMemoryOrders = Layer.effect(
  Orders,
  Effect.map(InMemoryDatabase, (db) =>
    Orders.of({
      create: (order) =>
        db.run((t) => {
          if (t.orders.has(order.id)) throw new Error(`Orders: duplicate order id ${order.id}`)
          t.orders.set(order.id, order)
        }),
      get: (id) => db.run((t) => Option.fromNullable(t.orders.get(id))),
      attachCheckout: (id, checkout) =>
        db.run((t) =>
          transition(t, id, ["AwaitingPayment"], {
            paymentLink: Option.some(checkout.url),
            checkoutReference: Option.some(checkout.providerReference),
            checkoutExpiresAt: checkout.expiresAt
          })
        ),
      listForUser: (userId) =>
        db.run((t) =>
          sorted(
            [...t.orders.values()].filter((o) => o.userId === userId),
            (a, b) => byTime(a.createdAt, b.createdAt) || byText(a.id, b.id)
          )
        ),
      markPaid: (id, at) => db.run((t) => transition(t, id, ["AwaitingPayment"], { status: "Paid", paidAt: Option.some(at) })),
      moveTo: (id, to) => db.run((t) => transition(t, id, orderStatusesBefore(to), { status: to })),
      // Repeating it (a retried tune creation) only refreshes the tune's details.
      startTraining: (id, tuneId, eta, callbackTokenHash) =>
        db.run(
          (t) =>
            void transition(t, id, ["Paid", "Training"], {
              status: "Training",
              tuneId: Option.some(tuneId),
              eta,
              callbackTokenHash: Option.some(callbackTokenHash)
            })
        ),
      markDelivered: (id, at) =>
        db.run((t) => transition(t, id, orderStatusesBefore("Delivered"), { status: "Delivered", deliveredAt: Option.some(at) })),
      overdue: (now, graceMillis) =>
        db.run((t) =>
          sorted(
            [...t.orders.values()].filter(
              (o) =>
                (o.status === "Training" || o.status === "Delivering") &&
                expectedAt(o).getTime() + graceMillis < now.getTime()
            ),
            (a, b) => byTime(expectedAt(a), expectedAt(b)) || byText(a.id, b.id)
          )
        ),
      paidWithoutTune: db.run((t) =>
        sorted(
          [...t.orders.values()].filter((o) => o.status === "Paid" && Option.isNone(o.tuneId)),
          (a, b) => byTime(Option.getOrElse(a.paidAt, () => a.createdAt), Option.getOrElse(b.paidAt, () => b.createdAt)) || byText(a.id, b.id)
        )
      ),
      list: ({ limit, offset }) =>
        db.run((t) =>
          sorted(t.orders.values(), (a, b) => byTime(b.createdAt, a.createdAt) || byText(a.id, b.id)).slice(offset, offset + limit)
        ),
      deleteForUser: (userId) =>
        db.run((t) => {
          const theirs = [...t.orders.values()].filter((o) => o.userId === userId)
          theirs.forEach((o) => t.orders.delete(o.id))
          return theirs.length
        })
    })
  )
)
