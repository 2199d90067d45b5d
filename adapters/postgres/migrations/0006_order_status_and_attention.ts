import { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"

/**
 * One order-status model (`domain/orders/OrderStatus.ts`): the orders table stores the domain's
 * status names, so no adapter translates them. A payment that did not match its quote is an order
 * that needs attention now. Attention items are what support must act on: help requests and orders
 * that cannot go on by themselves; `dedupe_key` keeps one open item per cause that hits many orders.
 */
export const orderStatusAndAttention = Effect.flatMap(SqlClient, (sql) =>
  sql.unsafe(`
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
UPDATE orders SET status = CASE status
  WHEN 'awaiting_payment' THEN 'AwaitingPayment'
  WHEN 'paid' THEN 'Paid'
  WHEN 'training' THEN 'Training'
  WHEN 'delivered' THEN 'Delivered'
  WHEN 'payment_mismatch' THEN 'NeedsAttention'
END;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN (
  'AwaitingPayment', 'Paid', 'Training', 'Delivering', 'Delivered', 'NeedsAttention', 'Refunded', 'Disputed', 'Cancelled'
));
DROP INDEX orders_open;
CREATE INDEX orders_open ON orders (status) WHERE status IN ('Paid', 'Training', 'Delivering');

CREATE TABLE attention_items (
  id uuid PRIMARY KEY,
  number bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  reason text NOT NULL,
  urgent boolean NOT NULL,
  user_id text,
  order_id text,
  stage text,
  detail text NOT NULL,
  dedupe_key text,
  context jsonb NOT NULL DEFAULT '[]',
  notes jsonb NOT NULL DEFAULT '[]',
  opened_at timestamptz NOT NULL,
  closed_at timestamptz,
  resolution text
);
CREATE UNIQUE INDEX attention_items_open_key ON attention_items (dedupe_key) WHERE closed_at IS NULL;
CREATE INDEX attention_items_open ON attention_items (urgent DESC, opened_at) WHERE closed_at IS NULL;
CREATE INDEX attention_items_user ON attention_items (user_id);
CREATE INDEX attention_items_order ON attention_items (order_id);
`)
)
