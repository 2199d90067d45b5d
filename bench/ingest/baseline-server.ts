import { createHmac, randomUUID, timingSafeEqual } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import pg from "pg"

// The measured anchor's baseline (shared/notes/measured-anchors.md): node:http and pg, no
// framework, doing what an ingest must: check the HMAC over the raw bytes, parse, and in one
// transaction insert each message (ON CONFLICT DO NOTHING) with its outbox row; then 200.
// The two tables are the bot's own (adapters/postgres/Migrations.ts), with their indexes.

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

interface Message {
  readonly id: string
  readonly from: string
  readonly type: string
  readonly raw: unknown
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

const asArray = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])

/** The messages of a webhook envelope; anything not shaped like one is skipped. */
const messagesOf = (envelope: unknown): Array<Message> => {
  const found: Array<Message> = []
  if (!isRecord(envelope)) return found
  for (const entry of asArray(envelope.entry)) {
    if (!isRecord(entry)) continue
    for (const change of asArray(entry.changes)) {
      if (!isRecord(change) || !isRecord(change.value)) continue
      for (const message of asArray(change.value.messages)) {
        if (isRecord(message) && typeof message.id === "string" && typeof message.from === "string") {
          found.push({ id: message.id, from: message.from, type: String(message.type), raw: message })
        }
      }
    }
  }
  return found
}

const signatureValid = (body: Buffer, header: string | undefined): boolean => {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header ?? "")
  if (match === null) return false
  const expected = createHmac("sha256", appSecret).update(body).digest()
  const received = Buffer.from(match[1] ?? "", "hex")
  return received.length === expected.length && timingSafeEqual(received, expected)
}

const readBody = (request: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBodyBytes) chunks.push(chunk)
    })
    request.on("end", () => resolve(size > maxBodyBytes ? undefined : Buffer.concat(chunks)))
    request.on("error", reject)
  })

const store = async (messages: ReadonlyArray<Message>): Promise<void> => {
  const client = await pool.connect()
  try {
    await client.query("BEGIN")
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
    await client.query("COMMIT")
    client.release()
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined)
    client.release(error instanceof Error ? error : new Error(String(error)))
    throw error
  }
}

const answer = (response: ServerResponse, status: number) => {
  response.writeHead(status, { "content-length": "0" })
  response.end()
}

const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
  if (request.method === "GET" && request.url === "/health") return answer(response, 200)
  if (request.method !== "POST" || request.url !== "/SmsReceived") return answer(response, 404)
  const body = await readBody(request)
  if (body === undefined) return answer(response, 413)
  const header = request.headers["x-hub-signature-256"]
  if (!signatureValid(body, typeof header === "string" ? header : undefined)) return answer(response, 401)
  let envelope: unknown
  try {
    envelope = JSON.parse(body.toString("utf8"))
  } catch {
    return answer(response, 400)
  }
  await store(messagesOf(envelope))
  answer(response, 200)
}

createServer((request, response) => {
  handle(request, response).catch(() => answer(response, 503))
}).listen(port, "127.0.0.1")
