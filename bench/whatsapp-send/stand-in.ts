/**
 * A bare stand-in of the Graph API's messages endpoint for the WhatsApp send bench, in its own
 * process (its CPU is not the sender's): node:http answering every POST at once, `{ success: true }`
 * for a read receipt and a message id otherwise, as `contracts/whatsapp/Send.ts` describes them.
 */
import { createServer } from "node:http"

let sequence = 0

const server = createServer((request, response) => {
  const chunks: Array<Buffer> = []
  request.on("data", (chunk: Buffer) => chunks.push(chunk))
  request.on("end", () => {
    const text = Buffer.concat(chunks).toString("utf8")
    sequence += 1
    const body = text.includes('"status":"read"')
      ? '{"success":true}'
      : `{"messaging_product":"whatsapp","contacts":[{"input":"1","wa_id":"1"}],"messages":[{"id":"wamid.standin.${sequence}"}]}`
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
    response.end(body)
  })
})
server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  process.send?.({ port: typeof address === "object" && address !== null ? address.port : 0 })
})
process.on("disconnect", () => process.exit(0))
