import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Option, Schema } from "effect"
import { IntentStatus } from "../../application/ports/OutboundMessages.js"
import { emptyReading, openOrderStatuses, StoredStateReadings } from "../../application/ports/StoredStateReadings.js"
import { OrderStatus } from "../../domain/orders/OrderStatus.js"
import { decodeRows } from "./PgQuery.js"

const IntentCount = Schema.Struct({ status: IntentStatus, n: Schema.Int })
const OrderCount = Schema.Struct({ status: OrderStatus, n: Schema.Int, oldestSince: Schema.NullOr(Schema.DateFromSelf) })

/** Two grouped counts, one statement each. */
export const PgStoredStateReadings = Layer.effect(
  StoredStateReadings,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const intents = decodeRows(IntentCount)
    const orders = decodeRows(OrderCount)
    return StoredStateReadings.of({
      read: Effect.gen(function* () {
        const reading = emptyReading()
        const intentRows = yield* intents(sql`SELECT status, count(*)::int AS n FROM outbound_messages GROUP BY status`)
        for (const row of intentRows) reading.intents[row.status] = row.n
        const orderRows = yield* orders(sql`
          SELECT status, count(*)::int AS n,
                 min(CASE WHEN status = 'AwaitingPayment' THEN created_at ELSE coalesce(paid_at, created_at) END)
                   FILTER (WHERE status IN ${sql.in(openOrderStatuses)}) AS "oldestSince"
          FROM orders GROUP BY status`)
        for (const row of orderRows) reading.orders[row.status] = { count: row.n, oldestSince: Option.fromNullable(row.oldestSince) }
        return reading
      })
    })
  })
)
