import { Args, Command, Options } from "@effect/cli"
import { Clock, Console, Effect, Option, Schema } from "effect"
import { AttentionItems, type AttentionItem } from "../../../application/ports/AttentionItems.js"
import { Ids } from "../../../application/ports/Ids.js"
import { OrderRecord, Orders } from "../../../application/ports/Orders.js"
import { retryOrder } from "../../../application/training/retryOrder.js"
import { OrderId, UserId } from "../../../domain/ids.js"
import { formatMoney, formatOptionalTime, formatTime } from "../output/format.js"
import { printJson, renderTable } from "../output/table.js"
import { group, json, limit, offset } from "./options.js"

const user = Options.text("user").pipe(
  Options.withSchema(UserId),
  Options.optional,
  Options.withDescription("Only this user's orders")
)

const encodeOrders = Schema.encode(Schema.Array(OrderRecord))

const ordersList = Command.make("list", { limit, offset, user, json }, (options) =>
  Effect.gen(function* () {
    const port = yield* Orders
    const orders = yield* Option.match(options.user, {
      onNone: () => port.list({ limit: options.limit, offset: options.offset }),
      onSome: port.listForUser
    })
    // Without the callback secret's hash: it guards Astria's callbacks and is of no use to an operator.
    if (options.json) {
      const encoded = yield* encodeOrders(orders).pipe(Effect.orDie)
      return yield* printJson(encoded.map(({ callbackTokenHash: _, ...order }) => order))
    }
    yield* Console.log(
      renderTable(
        orders,
        [
          { header: "ID", value: (order) => order.id },
          { header: "USER", value: (order) => order.userId },
          { header: "STATUS", value: (order) => order.status },
          { header: "TIER", value: (order) => order.tier },
          { header: "PACK", value: (order) => String(order.packId) },
          { header: "AMOUNT", value: (order) => formatMoney(order.amountMinor, order.currency) },
          { header: "TUNE", value: (order) => Option.match(order.tuneId, { onNone: () => "-", onSome: String }) },
          { header: "CREATED", value: (order) => formatTime(order.createdAt) },
          { header: "PAID", value: (order) => formatOptionalTime(order.paidAt) },
          { header: "DELIVERED", value: (order) => formatOptionalTime(order.deliveredAt) }
        ],
        "No orders."
      )
    )
  })
).pipe(Command.withDescription("List orders, newest first, or one user's with --user"))

/** Every order in `NeedsAttention`, oldest first (the orders table pages newest first). */
const ordersOnHold = Effect.gen(function* () {
  const port = yield* Orders
  const page = 500
  const held: Array<OrderRecord> = []
  for (let offset = 0; ; offset += page) {
    const rows = yield* port.list({ limit: page, offset })
    held.push(...rows.filter((order) => order.status === "NeedsAttention"))
    if (rows.length < page) break
  }
  return held.reverse()
})

/**
 * Why an order waits: its own open attention items, or the open item of a cause that stops many
 * orders at once (an Astria credit outage), which names each further order in a note.
 */
const itemsFor = (order: OrderRecord, open: ReadonlyArray<AttentionItem>): ReadonlyArray<AttentionItem> =>
  open.filter(
    (item) =>
      Option.contains(item.orderId, order.id) ||
      (Option.isSome(item.dedupeKey) && item.notes.some((note) => note.text.includes(order.id)))
  )

const ordersAttention = Command.make("attention", { json }, (options) =>
  Effect.gen(function* () {
    const held = yield* ordersOnHold
    const open = yield* Effect.flatMap(AttentionItems, (items) => items.list({ state: "open", limit: 1000, offset: 0 }))
    const rows = held.map((order) => ({ order, items: itemsFor(order, open) }))
    if (options.json) {
      return yield* printJson(
        rows.map(({ items, order }) => ({
          id: order.id,
          userId: order.userId,
          tier: order.tier,
          packId: order.packId,
          paidAt: Option.getOrNull(Option.map(order.paidAt, (at) => at.toISOString())),
          attention: items.map((item) => ({ number: item.number, reason: item.reason, urgent: item.urgent, detail: item.detail }))
        }))
      )
    }
    yield* Console.log(
      renderTable(
        rows,
        [
          { header: "ID", value: ({ order }) => order.id },
          { header: "USER", value: ({ order }) => order.userId },
          { header: "TIER", value: ({ order }) => order.tier },
          { header: "AMOUNT", value: ({ order }) => formatMoney(order.amountMinor, order.currency) },
          { header: "PAID", value: ({ order }) => formatOptionalTime(order.paidAt) },
          {
            header: "WHY",
            value: ({ items }) =>
              items.length === 0 ? "-" : items.map((item) => `#${item.number} ${item.reason}${item.urgent ? " (urgent)" : ""}`).join(", ")
          }
        ],
        "No orders need attention."
      )
    )
  })
).pipe(
  Command.withDescription(
    "List the orders that need attention (Astria out of credits or refusing them, a saved model gone, a payment that did not match), with the attention items saying why"
  )
)

const orderId = Args.text({ name: "order-id" }).pipe(
  Args.withSchema(OrderId),
  Args.withDescription("The order's id, as `orders attention` shows it")
)

const ordersRetry = Command.make("retry", { orderId }, (options) =>
  Effect.gen(function* () {
    const retried = yield* retryOrder(options.orderId, new Date(yield* Clock.currentTimeMillis))
    yield* Console.log(
      `Order ${retried.order} is Paid again and its training requested; the running bot publishes the request on its next outbox poll.` +
        (retried.closedItems.length === 0 ? "" : ` Closed: ${retried.closedItems.map((number) => `#${number}`).join(", ")}.`)
    )
  })
).pipe(
  Command.provide(Ids.random),
  Command.withDescription(
    "Once the cause is fixed (Astria topped up, the pack corrected), move an order that needs attention back to Paid and request its training again; closes its attention items"
  )
)

export const orders = group("orders", "Orders", ["list", "attention", "retry"]).pipe(
  Command.withSubcommands([ordersList, ordersAttention, ordersRetry])
)
