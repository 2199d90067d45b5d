/**
 * A bare stand-in of Meta's Graph API for the whole-bot bench, in its own process (its CPU is not
 * the bot's): node:http, answering `POST /<version>/<number-id>/messages` at once with what the
 * Cloud API answers (contracts/whatsapp/Send.ts: `SendMessageResponse` for a message,
 * `SuccessResponse` for a read receipt, a body with `status: "read"`). It checks nothing, paces
 * nothing and posts no status webhooks back (the bench does not need Meta's "sent"/"delivered"
 * reports: nothing the bench measures waits for them).
 *
 * Each reply (not a read receipt) is reported to the parent over IPC, batched, as
 * `[recipient, time, actions]`: the time is the wall clock in ms with sub-ms precision
 * (`performance.timeOrigin + performance.now()`, the parent's clock too), the actions the ids of
 * the list rows or buttons the reply offers, which a person taps next.
 */
import { createServer, type ServerResponse } from "node:http"

const port = Number(process.env.PORT)

/** One reply as the parent reads it: recipient, when, and the ids it offers to tap or pick. */
export type ReplySeen = readonly [to: string, at: number, actions: ReadonlyArray<string>]

export interface StandInReport {
  readonly replies: ReadonlyArray<ReplySeen>
  readonly reads: number
  readonly unknown: number
  /** Connections opened since the last report: a client that keeps its connections alive opens few. */
  readonly connections: number
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

/** The row ids of a list, or the button ids of a button message; none for anything else. */
const actionsOf = (body: Record<string, unknown>): ReadonlyArray<string> => {
  const interactive = body.interactive
  if (!isRecord(interactive) || !isRecord(interactive.action)) return []
  const { buttons, sections } = interactive.action
  const ids: Array<string> = []
  if (Array.isArray(buttons)) {
    for (const button of buttons) if (isRecord(button) && isRecord(button.reply) && typeof button.reply.id === "string") ids.push(button.reply.id)
  }
  if (Array.isArray(sections)) {
    for (const section of sections) {
      if (!isRecord(section) || !Array.isArray(section.rows)) continue
      for (const row of section.rows) if (isRecord(row) && typeof row.id === "string") ids.push(row.id)
    }
  }
  return ids
}

let pending: Array<ReplySeen> = []
let reads = 0
let unknown = 0
let sequence = 0
let connections = 0

// Batched every 5 ms: an IPC message per reply would cost this process more than answering it.
setInterval(() => {
  if (pending.length === 0 && reads === 0 && unknown === 0 && connections === 0) return
  const report: StandInReport = { replies: pending, reads, unknown, connections }
  pending = []
  reads = 0
  unknown = 0
  connections = 0
  process.send?.(report)
}, 5).unref()

const answer = (response: ServerResponse, status: number, body: string) => {
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
  response.end(body)
}

const server = createServer((request, response) => {
  const chunks: Array<Buffer> = []
  request.on("data", (chunk: Buffer) => chunks.push(chunk))
  request.on("end", () => {
    const at = performance.timeOrigin + performance.now()
    // Uploads (the examples' and packs' photos at start): an id, as Meta answers.
    if (request.method === "POST" && /^\/[^/]+\/\d+\/media$/.test(request.url ?? "")) {
      sequence += 1
      return answer(response, 200, JSON.stringify({ id: `standin-media-${sequence}` }))
    }
    if (request.method !== "POST" || !/^\/[^/]+\/\d+\/messages$/.test(request.url ?? "")) {
      unknown += 1
      return answer(response, 400, JSON.stringify({ error: { message: "not stood in for", type: "OAuthException", code: 100 } }))
    }
    let body: unknown
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"))
    } catch {
      unknown += 1
      return answer(response, 400, JSON.stringify({ error: { message: "not JSON", type: "OAuthException", code: 100 } }))
    }
    if (!isRecord(body)) {
      unknown += 1
      return answer(response, 400, JSON.stringify({ error: { message: "not an object", type: "OAuthException", code: 100 } }))
    }
    if (body.status === "read") {
      reads += 1
      return answer(response, 200, '{"success":true}')
    }
    const to = typeof body.to === "string" ? body.to : String(body.recipient)
    pending.push([to, at, actionsOf(body)])
    sequence += 1
    answer(
      response,
      200,
      JSON.stringify({
        messaging_product: "whatsapp",
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id: `wamid.standin.${process.pid}.${sequence}` }]
      })
    )
  })
})
server.on("connection", () => {
  connections += 1
})
server.listen(port, "127.0.0.1", () => process.send?.({ listening: port }))
