import { Command, Options } from "@effect/cli"
import { Console, Effect, Option, Schema } from "effect"
import { OrderRecord, Orders } from "../../../application/ports/Orders.js"
import { UserId } from "../../../domain/ids.js"
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

export const orders = group("orders", "Orders", ["list"]).pipe(Command.withSubcommands([ordersList]))
