import { createServer } from "node:http"
import { Effect, Redacted } from "effect"
import { verifySignature, type SignatureCheck } from "../../adapters/whatsapp-cloud/verifySignature.js"

export interface ReceivedWebhook {
  readonly raw: Buffer
  readonly signature: SignatureCheck
}

/**
 * A minimal webhook endpoint for tests: it checks the signature over the raw bytes, answers 200
 * when valid and 401 otherwise, and keeps every delivery. The first `unavailableFor` deliveries
 * are answered 503, as a server restarting would.
 */
export const makeWebhookReceiver = (appSecret: string, unavailableFor = 0) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly received: Array<ReceivedWebhook>; readonly close: () => void }>((resume) => {
      const received: Array<ReceivedWebhook> = []
      const server = createServer((request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", () => {
          const raw = Buffer.concat(chunks)
          const header = request.headers["x-hub-signature-256"]
          const signature = verifySignature(Redacted.make(appSecret), raw, typeof header === "string" ? header : undefined)
          received.push({ raw, signature })
          response.statusCode = received.length <= unavailableFor ? 503 : signature._tag === "Valid" ? 200 : 401
          response.end()
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}/SmsReceived`, received, close: () => server.close() }))
      })
    }),
    (receiver) => Effect.sync(receiver.close)
  )
