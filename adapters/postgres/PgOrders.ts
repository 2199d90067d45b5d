import { SqlClient } from "@effect/sql/SqlClient"
import { Array as Arr, Effect, Layer, Option } from "effect"
import { OrderRecord, Orders } from "../../application/ports/Orders.js"
import { orderStatusesBefore } from "../../domain/orders/OrderStatus.js"
import { affectedAny, affectedCount, decodeRows, execute, json } from "./PgQuery.js"

const columns = `id, user_id AS "userId", pack_id AS "packId", tier, amount_minor AS "amountMinor", currency,
  image_count AS "imageCount", class_name AS "className", characteristics, reuse_tune_id AS "reuseTuneId", status,
  payment_link AS "paymentLink", checkout_reference AS "checkoutReference", checkout_expires_at AS "checkoutExpiresAt", tune_id AS "tuneId", callback_token_hash AS "callbackTokenHash", eta,
  created_at AS "createdAt", paid_at AS "paidAt", delivered_at AS "deliveredAt"`

export const PgOrders = Layer.effect(
  Orders,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const orders = decodeRows(OrderRecord)
    const select = sql.literal(columns)
    return Orders.of({
      create: (order) =>
        execute(sql`
          INSERT INTO orders (id, user_id, pack_id, tier, amount_minor, currency, image_count, class_name,
                              characteristics, reuse_tune_id, status, payment_link, checkout_reference,
                              checkout_expires_at, tune_id, callback_token_hash, eta, created_at, paid_at, delivered_at)
          VALUES (${order.id}, ${order.userId}, ${order.packId}, ${order.tier}, ${order.amountMinor}, ${order.currency},
                  ${order.imageCount}, ${order.className}, ${json(order.characteristics)}::jsonb,
                  ${Option.getOrNull(order.reuseTuneId)}, ${order.status}, ${Option.getOrNull(order.paymentLink)},
                  ${Option.getOrNull(order.checkoutReference)}, ${Option.getOrNull(order.checkoutExpiresAt)},
                  ${Option.getOrNull(order.tuneId)}, ${Option.getOrNull(order.callbackTokenHash)},
                  ${Option.getOrNull(order.eta)}, ${order.createdAt}, ${Option.getOrNull(order.paidAt)},
                  ${Option.getOrNull(order.deliveredAt)})`),
      get: (id) => orders(sql`SELECT ${select} FROM orders WHERE id = ${id}`).pipe(Effect.map(Arr.head)),
      attachCheckout: (id, checkout) =>
        affectedAny(sql`
          WITH d AS (
            UPDATE orders SET payment_link = ${checkout.url}, checkout_reference = ${checkout.providerReference},
                              checkout_expires_at = ${Option.getOrNull(checkout.expiresAt)}
            WHERE id = ${id} AND status = 'AwaitingPayment' RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      listForUser: (userId) =>
        orders(sql`SELECT ${select} FROM orders WHERE user_id = ${userId} ORDER BY created_at, id`),
      markPaid: (id, at) =>
        affectedAny(sql`
          WITH d AS (
            UPDATE orders SET status = 'Paid', paid_at = ${at}
            WHERE id = ${id} AND status = 'AwaitingPayment' RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      moveTo: (id, to) =>
        orderStatusesBefore(to).length === 0
          ? Effect.succeed(false)
          : affectedAny(sql`
          WITH d AS (
            UPDATE orders SET status = ${to}
            WHERE id = ${id} AND status IN ${sql.in(orderStatusesBefore(to))} RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      // Repeating it (a retried tune creation) only refreshes the tune's details.
      startTraining: (id, tuneId, eta, callbackTokenHash) =>
        execute(sql`
          UPDATE orders SET status = 'Training', tune_id = ${tuneId}, eta = ${Option.getOrNull(eta)},
                            callback_token_hash = ${callbackTokenHash}
          WHERE id = ${id} AND status IN ('Paid', 'Training')`),
      markDelivered: (id, at) =>
        affectedAny(sql`
          WITH d AS (
            UPDATE orders SET status = 'Delivered', delivered_at = ${at}
            WHERE id = ${id} AND status IN ${sql.in(orderStatusesBefore("Delivered"))} RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      // Without an ETA from Astria, the grace runs from the payment.
      overdue: (now, graceMillis) =>
        orders(sql`
          SELECT ${select} FROM orders
          WHERE status IN ('Training', 'Delivering')
            AND COALESCE(eta, paid_at, created_at) + make_interval(secs => ${graceMillis / 1000}) < ${now}
          ORDER BY COALESCE(eta, paid_at, created_at), id`),
      paidWithoutTune: orders(sql`
        SELECT ${select} FROM orders WHERE status = 'Paid' AND tune_id IS NULL ORDER BY paid_at, id`),
      list: ({ limit, offset }) =>
        orders(sql`SELECT ${select} FROM orders ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`),
      deleteForUser: (userId) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM orders WHERE user_id = ${userId} RETURNING 1)
          SELECT count(*)::int AS n FROM d`)
    })
  })
)
