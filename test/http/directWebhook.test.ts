import { request as httpRequest } from "node:http"
import { HttpServer } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, Tracer } from "effect"
import { Outbox } from "../../application/ports/Outbox.js"
import { WhatsAppWebhookSettings } from "../../adapters/whatsapp-webhook/WhatsAppWebhookSettings.js"
import { DirectWhatsAppWebhookLive } from "../../adapters/whatsapp-webhook/DirectWhatsAppWebhook.js"
import { holdingNodeHttpServerLayer } from "../../adapters/http-node/HoldingNodeHttpServer.js"
import { InMemoryWhatsAppLive } from "../../adapters/memory/InMemoryMessenger.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { signBody } from "../../adapters/whatsapp-cloud/verifySignature.js"
import { ApplicationServicesLive } from "../../runtimes/composition/ApplicationServices.js"
import { textMessageWebhook } from "../support/textMessageWebhook.js"

interface Answer {
  readonly status: number
  readonly body: string
  readonly contentType: string | undefined
}

/**
 * A POST over a real socket. With `declareLength` the body goes with a Content-Length, as Meta
 * sends it (the direct route takes it); without, chunked (left to the platform's route).
 */
const post = (url: string, headers: Record<string, string>, body: Uint8Array | string, declareLength: boolean) =>
  Effect.async<Answer, Error>((resume) => {
    const length = declareLength ? { "content-length": String(Buffer.byteLength(body)) } : {}
    const request = httpRequest(url, { method: "POST", headers: { ...headers, ...length } }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () =>
        resume(Effect.succeed({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), contentType: response.headers["content-type"] }))
      )
    })
    request.on("error", (error) => resume(Effect.fail(error)))
    // Node declares the length itself for a body given to `end`; one written first goes chunked.
    if (declareLength) request.end(body)
    else {
      request.write(body)
      request.end()
    }
    return Effect.sync(() => request.destroy())
  })

const webhook = (messageId: string) => JSON.stringify(textMessageWebhook(messageId, "hi", "16505550123"))

describe("the WhatsApp webhook served straight from Node", () => {
  // Its equivalence with the HttpApi route, case by case: webhookEquivalence.test.ts.
  const settings = Layer.succeed(WhatsAppWebhookSettings, {
    verifyToken: Redacted.make("verify"),
    appSecret: Redacted.make("direct-secret")
  })
  // No HttpApi: the platform's handler is never attached, so only the direct route can answer.
  const directOnly = DirectWhatsAppWebhookLive.pipe(
    Layer.provideMerge(Layer.mergeAll(holdingNodeHttpServerLayer({ port: 0, host: "127.0.0.1" }), settings)),
    Layer.provideMerge(ApplicationServicesLive.pipe(Layer.provideMerge(Layer.merge(InMemoryStorage, InMemoryWhatsAppLive))))
  )

  // A tracer that remembers the names of the spans it made.
  const spanNames: Array<string> = []
  const recordingTracer = Layer.unwrapEffect(
    Effect.map(Effect.tracer, (tracer) =>
      Layer.setTracer(
        Tracer.make({
          span: (name, ...rest) => {
            spanNames.push(name)
            return tracer.span(name, ...rest)
          },
          context: tracer.context
        })
      )
    )
  )

  const signedPost = (baseUrl: string) => {
    const body = webhook(`wamid.${globalThis.crypto.randomUUID()}`)
    return post(`${baseUrl}/SmsReceived`, { "content-type": "application/json", "x-hub-signature-256": signBody("direct-secret", body) }, body, true)
  }
  const ownAddress = HttpServer.addressFormattedWith((address) => Effect.succeed(address))

  layer(Layer.provide(directOnly, recordingTracer), { timeout: 30_000, excludeTestServices: true })("traced", (it) => {
    it.effect("makes the server span of each webhook, as the platform does for its routes", () =>
      Effect.gen(function* () {
        spanNames.length = 0
        expect((yield* signedPost(yield* ownAddress)).status).toBe(200)
        expect(spanNames).toContain("http.server POST")
      }))
  })

  layer(Layer.provide(directOnly, Layer.merge(recordingTracer, Layer.setTracerEnabled(false))), { timeout: 30_000, excludeTestServices: true })(
    "with tracing off",
    (it) => {
      it.effect("makes no span at all", () =>
        Effect.gen(function* () {
          spanNames.length = 0
          expect((yield* signedPost(yield* ownAddress)).status).toBe(200)
          expect(spanNames).toEqual([])
        }))
    }
  )

  layer(directOnly, { timeout: 30_000, excludeTestServices: true })("alone on the server", (it) => {
    it.effect("stores a webhook's message with its event and answers 200, once however often it comes", () =>
      Effect.gen(function* () {
        const baseUrl = yield* HttpServer.addressFormattedWith((address) => Effect.succeed(address))
        const messageId = `wamid.${globalThis.crypto.randomUUID()}`
        const body = webhook(messageId)
        const headers = { "content-type": "application/json", "x-hub-signature-256": signBody("direct-secret", body) }
        expect((yield* post(`${baseUrl}/SmsReceived`, headers, body, true)).status).toBe(200)
        expect((yield* post(`${baseUrl}/SmsReceived`, headers, body, true)).status).toBe(200)
        const stats = yield* Effect.flatMap(Outbox, (outbox) => outbox.stats)
        expect(stats.pending + stats.published).toBe(1)
      }))

    it.effect("leaves a chunked POST to the platform's route (here never attached: it waits)", () =>
      Effect.gen(function* () {
        const baseUrl = yield* HttpServer.addressFormattedWith((address) => Effect.succeed(address))
        const body = webhook(`wamid.${globalThis.crypto.randomUUID()}`)
        const headers = { "content-type": "application/json", "x-hub-signature-256": signBody("direct-secret", body) }
        const answer = yield* post(`${baseUrl}/SmsReceived`, headers, body, false).pipe(Effect.timeout("300 millis"), Effect.option)
        expect(Option.isNone(answer)).toBe(true)
      }))
  })
})
