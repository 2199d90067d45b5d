import { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"

/**
 * The provider's id of the money (Stripe's payment intent, SUMIT's payment id) kept with each
 * payment: a refund or a dispute names only that, and a refund through the API needs it.
 */
export const paymentsProviderPaymentId = Effect.flatMap(SqlClient, (sql) =>
  sql.unsafe(`
ALTER TABLE payments ADD COLUMN provider_payment_id text;
CREATE INDEX payments_provider_payment ON payments (provider, provider_payment_id);
`)
)
