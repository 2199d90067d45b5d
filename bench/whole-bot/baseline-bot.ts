/**
 * The bare baseline of the whole-bot bench (issue #24): node:http and pg (a pool of 10, as the
 * bot's), no framework, doing per message the work the issue names:
 *
 * 1. the webhook: HMAC over the raw bytes checked in constant time, JSON parsed, then one
 *    transaction that inserts each message `ON CONFLICT DO NOTHING` and upserts its person; 200.
 * 2. afterwards, by a bounded pool of workers: a second transaction that reads the person
 *    (`FOR UPDATE`) and writes the reply intent; the read receipt and the reply POSTed to the Graph
 *    API (a keep-alive agent); the intent marked sent with the id Meta gave it.
 *
 * The hand-off between the two is an in-process queue of at most `queueLimit` messages: a webhook
 * whose message finds it full waits for room before answering (backpressure to Meta, which
 * retries), so memory stays bounded whatever the load. The message row written in (1) is the
 * durable record (a restart could find the messages without an intent); the bot pays for a durable
 * queue (outbox, broker rows) instead, so this hand-off flatters the baseline, never the bot.
 * One person's messages are answered in the order they came only because the bench's people
 * wait for each answer before writing again; the bot guarantees that order, this baseline does not.
 */
import { randomUUID } from "node:crypto"
import { Agent, request } from "node:http"
import pg from "pg"
import { asArray, inTransaction, isRecord, serveWebhook, type WebhookMessage } from "../support/bareWebhookServer.js"

const port = Number(process.env.PORT)
const databaseUrl = process.env.DATABASE_URL ?? ""
const appSecret = process.env.WHATSAPP_APP_SECRET ?? ""
const graphUrl = new URL(`${process.env.WHATSAPP_API_URL ?? ""}/${process.env.WHATSAPP_NUMBER_ID ?? ""}/messages`)
const apiKey = process.env.WHATSAPP_API_KEY ?? ""
const workers = Number(process.env.BASELINE_WORKERS ?? 20)
const queueLimit = Number(process.env.BASELINE_QUEUE_LIMIT ?? 1000)
const maxBodyBytes = 1024 * 1024

const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
const agent = new Agent({ keepAlive: true, maxSockets: 64 })

await pool.query(`
  CREATE TABLE IF NOT EXISTS inbound_messages (
    wamid text PRIMARY KEY, user_id text NOT NULL, kind text NOT NULL, payload jsonb NOT NULL,
    received_at timestamptz NOT NULL);
  CREATE INDEX IF NOT EXISTS inbound_messages_user ON inbound_messages (user_id);
  CREATE TABLE IF NOT EXISTS people (
    wa_id text PRIMARY KEY, name text, first_seen_at timestamptz NOT NULL, last_seen_at timestamptz NOT NULL,
    state text NOT NULL DEFAULT 'new');
  CREATE TABLE IF NOT EXISTS reply_intents (
    id uuid PRIMARY KEY, wa_id text NOT NULL, in_reply_to text NOT NULL, body jsonb NOT NULL, status text NOT NULL,
    wamid text, created_at timestamptz NOT NULL, sent_at timestamptz);
  CREATE INDEX IF NOT EXISTS reply_intents_user ON reply_intents (wa_id);`)

/** Transaction 1: the messages not stored before, each with its person upserted. */
const store = (messages: ReadonlyArray<WebhookMessage>): Promise<Array<WebhookMessage>> =>
  inTransaction(pool, async (client) => {
    const now = new Date()
    const fresh: Array<WebhookMessage> = []
    for (const message of messages) {
      const inserted = await client.query(
        `INSERT INTO inbound_messages (wamid, user_id, kind, payload, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [message.id, message.from, message.type, JSON.stringify(message.raw), now]
      )
      if (inserted.rowCount !== 1) continue
      await client.query(
        `INSERT INTO people (wa_id, name, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (wa_id) DO UPDATE SET name = coalesce(EXCLUDED.name, people.name), last_seen_at = EXCLUDED.last_seen_at`,
        [message.from, message.name ?? null, now]
      )
      fresh.push(message)
    }
    return fresh
  })

/** POSTs a body to the Graph API; the parsed answer. */
const callGraph = (body: unknown): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const payload = JSON.stringify(body)
    const outgoing = request(
      graphUrl,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), authorization: `Bearer ${apiKey}` }
      },
      (response) => {
        const chunks: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => chunks.push(chunk))
        response.on("end", () => {
          if (response.statusCode !== 200) return reject(new Error(`Graph API answered ${response.statusCode}`))
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")))
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)))
          }
        })
        response.on("error", reject)
      }
    )
    outgoing.on("error", reject)
    outgoing.end(payload)
  })

const sentIdOf = (answer: unknown): string => {
  const first = isRecord(answer) ? asArray(answer.messages)[0] : undefined
  if (!isRecord(first) || typeof first.id !== "string") throw new Error("no message id in the Graph API's answer")
  return first.id
}

/** Transaction 2, the read receipt and the reply, and the intent marked sent. */
const reply = async (message: WebhookMessage): Promise<void> => {
  const body = { messaging_product: "whatsapp", to: message.from, type: "text", text: { body: "Welcome! Send a selfie to begin." } }
  const intentId = await inTransaction(pool, async (client) => {
    const { rows } = await client.query(`SELECT wa_id, name, state FROM people WHERE wa_id = $1 FOR UPDATE`, [message.from])
    if (rows.length === 0) throw new Error("no person for a stored message")
    const id = randomUUID()
    await client.query(
      `INSERT INTO reply_intents (id, wa_id, in_reply_to, body, status, created_at) VALUES ($1, $2, $3, $4, 'pending', now())`,
      [id, message.from, message.id, JSON.stringify(body)]
    )
    return id
  })
  await callGraph({ messaging_product: "whatsapp", status: "read", message_id: message.id, typing_indicator: { type: "text" } })
  const wamid = sentIdOf(await callGraph(body))
  await pool.query(`UPDATE reply_intents SET status = 'sent', wamid = $2, sent_at = now() WHERE id = $1`, [intentId, wamid])
}

const queue: Array<WebhookMessage> = []
const waitingForRoom: Array<() => void> = []
const waitingForWork: Array<() => void> = []
let failures = 0

const enqueue = async (message: WebhookMessage): Promise<void> => {
  while (queue.length >= queueLimit) await new Promise<void>((resolve) => waitingForRoom.push(resolve))
  queue.push(message)
  waitingForWork.shift()?.()
}

const worker = async (): Promise<never> => {
  for (;;) {
    const message = queue.shift()
    if (message === undefined) {
      await new Promise<void>((resolve) => waitingForWork.push(resolve))
      continue
    }
    waitingForRoom.shift()?.()
    await reply(message).catch((error: unknown) => {
      failures += 1
      if (failures <= 10) console.error("reply failed:", error)
    })
  }
}
for (let i = 0; i < workers; i++) void worker()

serveWebhook({
  port,
  appSecret,
  maxBodyBytes,
  receive: async (messages) => {
    const fresh = await store(messages)
    for (const message of fresh) await enqueue(message)
  }
})
