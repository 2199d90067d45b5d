import { randomUUID } from "node:crypto"
import pg from "pg"
import { inTransaction, serveWebhook, type WebhookMessage } from "../support/bareWebhookServer.js"

// The ingest bench's baseline: node:http and pg, no framework, doing what an ingest must: check
// the HMAC over the raw bytes, parse, and in one transaction insert each message (ON CONFLICT DO
// NOTHING) with its outbox row; then 200. The two tables are the bot's own
// (adapters/postgres/Migrations.ts), with their indexes.

const port = Number(process.env.PORT)
const databaseUrl = process.env.DATABASE_URL ?? ""
const appSecret = process.env.WHATSAPP_APP_SECRET ?? ""
const maxBodyBytes = 1024 * 1024

const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })

await pool.query(`
  CREATE TABLE IF NOT EXISTS inbound_messages (
    wamid text PRIMARY KEY, user_id text NOT NULL, kind text NOT NULL, payload jsonb NOT NULL,
    received_at timestamptz NOT NULL);
  CREATE INDEX IF NOT EXISTS inbound_messages_user ON inbound_messages (user_id);
  CREATE INDEX IF NOT EXISTS inbound_messages_received ON inbound_messages (received_at);
  CREATE TABLE IF NOT EXISTS outbox (
    id uuid PRIMARY KEY, event_type text NOT NULL, key text NOT NULL, body text NOT NULL,
    attempts integer NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL, published_at timestamptz,
    last_error text, created_at timestamptz NOT NULL, seq bigint GENERATED ALWAYS AS IDENTITY);
  CREATE INDEX IF NOT EXISTS outbox_due ON outbox (created_at, seq) WHERE published_at IS NULL;
  CREATE INDEX IF NOT EXISTS outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;`)

const store = (messages: ReadonlyArray<WebhookMessage>): Promise<void> =>
  inTransaction(pool, async (client) => {
    const now = new Date()
    for (const message of messages) {
      const inserted = await client.query(
        `INSERT INTO inbound_messages (wamid, user_id, kind, payload, received_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [message.id, message.from, message.type, JSON.stringify(message.raw), now]
      )
      if (inserted.rowCount === 1) {
        await client.query(
          `INSERT INTO outbox (id, event_type, key, body, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5)`,
          [randomUUID(), "UserMessageReceivedEvent", message.from, JSON.stringify({ message: message.raw }), now]
        )
      }
    }
  })

serveWebhook({ port, appSecret, maxBodyBytes, receive: store })
