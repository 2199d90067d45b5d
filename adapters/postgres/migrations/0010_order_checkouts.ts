import { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"

/**
 * An order's checkout is created by a worker after the order is stored, so the order has no link
 * until then (the previous version always writes one, which the looser column still takes), and
 * it keeps which checkout the link is and when it expires, so that asking to pay again renews
 * only a checkout that can no longer be paid. An order's payments are looked up by the order (a
 * refund from the command line).
 */
export const orderCheckouts = Effect.flatMap(SqlClient, (sql) =>
  sql.unsafe(`
ALTER TABLE orders ALTER COLUMN payment_link DROP NOT NULL;
ALTER TABLE orders ADD COLUMN checkout_reference text;
ALTER TABLE orders ADD COLUMN checkout_expires_at timestamptz;
CREATE INDEX payments_order ON payments (order_id);
`)
)
