/**
 * What the bare baselines (bench/ingest/baseline-server.ts, bench/whole-bot/baseline-bot.ts) share:
 * node:http and pg, no framework, taking Meta's webhook as an ingest must (the HMAC over the raw
 * bytes checked in constant time, the JSON parsed) and handing its messages to the baseline's own
 * work. Whatever that work throws answers 503, as the bot does when storage fails.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { Pool, PoolClient } from "pg"

export interface WebhookMessage {
  readonly id: string
  readonly from: string
  /** The sender's profile name, from the change's first contact. */
  readonly name: string | undefined
  readonly type: string
  readonly raw: unknown
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

export const asArray = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])

/** The messages of a webhook envelope, with the sender's profile name; anything not shaped like one is skipped. */
const messagesOf = (envelope: unknown): Array<WebhookMessage> => {
  const found: Array<WebhookMessage> = []
  if (!isRecord(envelope)) return found
  for (const entry of asArray(envelope.entry)) {
    if (!isRecord(entry)) continue
    for (const change of asArray(entry.changes)) {
      if (!isRecord(change) || !isRecord(change.value)) continue
      const contact = asArray(change.value.contacts)[0]
      const profile = isRecord(contact) && isRecord(contact.profile) ? contact.profile.name : undefined
      for (const message of asArray(change.value.messages)) {
        if (isRecord(message) && typeof message.id === "string" && typeof message.from === "string") {
          found.push({ id: message.id, from: message.from, name: typeof profile === "string" ? profile : undefined, type: String(message.type), raw: message })
        }
      }
    }
  }
  return found
}

const signatureValid = (appSecret: string, body: Buffer, header: string | undefined): boolean => {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header ?? "")
  if (match === null) return false
  const expected = createHmac("sha256", appSecret).update(body).digest()
  const received = Buffer.from(match[1] ?? "", "hex")
  return received.length === expected.length && timingSafeEqual(received, expected)
}

const readBody = (incoming: IncomingMessage, maxBodyBytes: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBodyBytes) chunks.push(chunk)
    })
    incoming.on("end", () => resolve(size > maxBodyBytes ? undefined : Buffer.concat(chunks)))
    incoming.on("error", reject)
  })

/** `work` in one transaction on a client of `pool`, rolled back if it throws. */
export const inTransaction = async <A>(pool: Pool, work: (client: PoolClient) => Promise<A>): Promise<A> => {
  const client = await pool.connect()
  try {
    await client.query("BEGIN")
    const result = await work(client)
    await client.query("COMMIT")
    client.release()
    return result
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

/**
 * Serves `/SmsReceived` (and `/health`, `/ready`) on `port`: 413 above `maxBodyBytes`, 401 for a
 * bad signature, 400 for bytes that are not JSON; otherwise 200 once `receive` is done with the
 * webhook's messages.
 */
export const serveWebhook = (options: {
  readonly port: number
  readonly appSecret: string
  readonly maxBodyBytes: number
  readonly receive: (messages: ReadonlyArray<WebhookMessage>) => Promise<void>
}) => {
  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (incoming.method === "GET" && (incoming.url === "/health" || incoming.url === "/ready")) return answer(response, 200)
    if (incoming.method !== "POST" || incoming.url !== "/SmsReceived") return answer(response, 404)
    const body = await readBody(incoming, options.maxBodyBytes)
    if (body === undefined) return answer(response, 413)
    const header = incoming.headers["x-hub-signature-256"]
    if (!signatureValid(options.appSecret, body, typeof header === "string" ? header : undefined)) return answer(response, 401)
    let envelope: unknown
    try {
      envelope = JSON.parse(body.toString("utf8"))
    } catch {
      return answer(response, 400)
    }
    await options.receive(messagesOf(envelope))
    answer(response, 200)
  }
  createServer((incoming, response) => {
    handle(incoming, response).catch(() => answer(response, 503))
  }).listen(options.port, "127.0.0.1")
}
