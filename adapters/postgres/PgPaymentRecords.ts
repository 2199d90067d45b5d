import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Option } from "effect"
import { PaymentRecord, PaymentRecords } from "../../application/ports/PaymentRecords.js"
import { affectedAny, affectedCount, decodeRows } from "./PgQuery.js"

const columns = `id, provider, order_id AS "orderId", user_ref AS "userRef", amount_minor AS "amountMinor", currency,
  tier, status, outcome, paid_at AS "paidAt", received_at AS "receivedAt", provider_payment_id AS "providerPaymentId"`

export const PgPaymentRecords = Layer.effect(
  PaymentRecords,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const payments = decodeRows(PaymentRecord)
    return PaymentRecords.of({
      // A payment id is the provider's: the same id from two providers is two payments.
      recordIfNew: (payment) =>
        affectedAny(sql`
          WITH d AS (
            INSERT INTO payments (provider, id, order_id, user_ref, amount_minor, currency, tier, status, outcome,
                                  paid_at, received_at, provider_payment_id)
            VALUES (${payment.provider}, ${payment.id}, ${payment.orderId}, ${Option.getOrNull(payment.userRef)},
                    ${payment.amountMinor}, ${payment.currency}, ${Option.getOrNull(payment.tier)}, ${payment.status},
                    ${payment.outcome}, ${payment.paidAt}, ${payment.receivedAt}, ${Option.getOrNull(payment.providerPaymentId)})
            ON CONFLICT DO NOTHING RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      needingReview: payments(sql`
        SELECT ${sql.literal(columns)} FROM payments WHERE outcome <> 'accepted' ORDER BY received_at, id`),
      byProviderPaymentId: (provider, providerPaymentId) =>
        payments(sql`
          SELECT ${sql.literal(columns)} FROM payments
          WHERE provider = ${provider} AND provider_payment_id = ${providerPaymentId}
          ORDER BY received_at, id LIMIT 1`).pipe(Effect.map((rows) => Option.fromNullable(rows[0]))),
      forOrder: (orderId) =>
        payments(sql`SELECT ${sql.literal(columns)} FROM payments WHERE order_id = ${orderId} ORDER BY received_at, id`),
      pseudonymizeUser: (userId, hashedRef) =>
        affectedCount(sql`
          WITH d AS (UPDATE payments SET user_ref = ${hashedRef} WHERE user_ref = ${userId} RETURNING 1)
          SELECT count(*)::int AS n FROM d`)
    })
  })
)
