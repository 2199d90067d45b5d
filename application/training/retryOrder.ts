import { Effect, Option, Schema } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import { OrderId } from "../../domain/ids.js"
import { OrderStatus } from "../../domain/orders/OrderStatus.js"
import { eventRecord } from "../events/eventRecord.js"
import { AttentionItems } from "../ports/AttentionItems.js"
import { Orders, type OrderRecord } from "../ports/Orders.js"
import { Outbox } from "../ports/Outbox.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"

/** The event that makes the training service create an order's tune (it looks the tune up by title first). */
export const trainingRequested = (order: OrderRecord) =>
  eventRecord(
    BotEvents.TrainingRequested,
    order.userId,
    {
      userId: order.userId,
      orderId: order.id,
      packId: order.packId,
      personClass: order.className,
      characteristics: order.characteristics,
      reuseTuneIds: Option.toArray(order.reuseTuneId)
    },
    "image"
  )

/** `orders retry` was asked for an order that is not waiting for a person. */
export class OrderNotOnHold extends Schema.TaggedError<OrderNotOnHold>()("OrderNotOnHold", {
  orderId: OrderId,
  status: Schema.OptionFromSelf(OrderStatus)
}) {
  override get message(): string {
    return Option.match(this.status, {
      onNone: () => `There is no order ${this.orderId}`,
      onSome: (status) => `Order ${this.orderId} is ${status}, not NeedsAttention: only an order on hold is retried`
    })
  }
}

export interface RetriedOrder {
  readonly order: OrderId
  /** The attention items closed: the order's own, and an open Astria credit outage (support says it is fixed). */
  readonly closedItems: ReadonlyArray<number>
}

/**
 * Support fixed the cause of an order on hold (topped Astria up, corrected the pack...): the order
 * goes back to `Paid` and its training is requested again, in one transaction, and the attention
 * items about it are closed. The training service holds it again if the cause is still there (a
 * new outage opens a new item). The running bot's relay publishes the request on its next poll.
 */
export const retryOrder = (orderId: OrderId, at: Date) =>
  Effect.gen(function* () {
    const orders = yield* Orders
    const items = yield* AttentionItems
    const found = yield* orders.get(orderId)
    if (Option.isNone(found) || found.value.status !== "NeedsAttention") {
      return yield* new OrderNotOnHold({ orderId, status: Option.map(found, (order) => order.status) })
    }
    const order = found.value
    return yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(
        Effect.gen(function* () {
          if (!(yield* orders.moveTo(orderId, "Paid"))) {
            return yield* new OrderNotOnHold({ orderId, status: Option.some(order.status) })
          }
          yield* Effect.flatMap(Outbox, (outbox) => Effect.flatMap(trainingRequested(order), (event) => outbox.add([event])))
          const own = yield* items.openForOrder(orderId)
          const outages = (yield* items.list({ state: "open", limit: 1000, offset: 0 })).filter(
            (item) => item.reason === "AstriaOutOfCredits"
          )
          const toClose = [...new Set([...own, ...outages].map((item) => item.number))]
          const closed: Array<number> = []
          for (const number of toClose) {
            if (yield* items.close(number, at, `order ${orderId} retried`)) closed.push(number)
          }
          const retried: RetriedOrder = { order: orderId, closedItems: closed }
          return retried
        })
      )
    )
  })
