import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Array as Arr, Effect, Layer, Option } from "effect"
import { OrderRecord, Orders } from "../../application/ports/Orders.js"
import { affectedCount, decodeRows, execute, json } from "./PgQuery.js"

const columns = `id, user_id AS "userId", pack_id AS "packId", tier, amount_minor AS "amountMinor", currency,
  image_count AS "imageCount", class_name AS "className", characteristics, reuse_tune_id AS "reuseTuneId", status,
  payment_link AS "paymentLink", tune_id AS "tuneId", callback_token_hash AS "callbackTokenHash", eta,
  created_at AS "createdAt", paid_at AS "paidAt", delivered_at AS "deliveredAt"`

export const PgOrders = Layer.effect(
  Orders,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const orders = decodeRows(OrderRecord)
    const select = sql.literal(columns)
    const changed = (statement: Effect.Effect<ReadonlyArray<unknown>, SqlError>) =>
      Effect.map(affectedCount(statement), (n) => n > 0)
    return Orders.of({
      create: (order) =>
        execute(sql`
          INSERT INTO orders (id, user_id, pack_id, tier, amount_minor, currency, image_count, class_name,
                              characteristics, reuse_tune_id, status, payment_link, tune_id, callback_token_hash,
                              eta, created_at, paid_at, delivered_at)
          VALUES (${order.id}, ${order.userId}, ${order.packId}, ${order.tier}, ${order.amountMinor}, ${order.currency},
                  ${order.imageCount}, ${order.className}, ${json(order.characteristics)}::jsonb,
                  ${Option.getOrNull(order.reuseTuneId)}, ${order.status}, ${order.paymentLink},
                  ${Option.getOrNull(order.tuneId)}, ${Option.getOrNull(order.callbackTokenHash)},
                  ${Option.getOrNull(order.eta)}, ${order.createdAt}, ${Option.getOrNull(order.paidAt)},
                  ${Option.getOrNull(order.deliveredAt)})`),
      get: (id) => orders(sql`SELECT ${select} FROM orders WHERE id = ${id}`).pipe(Effect.map(Arr.head)),
      listForUser: (userId) =>
        orders(sql`SELECT ${select} FROM orders WHERE user_id = ${userId} ORDER BY created_at, id`),
      markPaid: (id, at) =>
        changed(sql`
          WITH d AS (
            UPDATE orders SET status = 'paid', paid_at = ${at}
            WHERE id = ${id} AND status = 'awaiting_payment' RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      markPaymentMismatch: (id) =>
        execute(sql`UPDATE orders SET status = 'payment_mismatch' WHERE id = ${id} AND status = 'awaiting_payment'`),
      // Repeating it (a retried tune creation) only refreshes the tune's details.
      startTraining: (id, tuneId, eta, callbackTokenHash) =>
        execute(sql`
          UPDATE orders SET status = 'training', tune_id = ${tuneId}, eta = ${Option.getOrNull(eta)},
                            callback_token_hash = ${callbackTokenHash}
          WHERE id = ${id} AND status IN ('paid', 'training')`),
      markDelivered: (id, at) =>
        changed(sql`
          WITH d AS (
            UPDATE orders SET status = 'delivered', delivered_at = ${at}
            WHERE id = ${id} AND status IN ('paid', 'training') RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      // Without an ETA from Astria, the grace runs from the payment.
      overdue: (now, graceMillis) =>
        orders(sql`
          SELECT ${select} FROM orders
          WHERE status = 'training'
            AND COALESCE(eta, paid_at, created_at) + make_interval(secs => ${graceMillis / 1000}) < ${now}
          ORDER BY COALESCE(eta, paid_at, created_at), id`),
      paidWithoutTune: orders(sql`
        SELECT ${select} FROM orders WHERE status = 'paid' AND tune_id IS NULL ORDER BY paid_at, id`),
      list: ({ limit, offset }) =>
        orders(sql`SELECT ${select} FROM orders ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`),
      deleteForUser: (userId) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM orders WHERE user_id = ${userId} RETURNING 1)
          SELECT count(*)::int AS n FROM d`)
    })
  })
)
