import { request as httpRequest } from "node:http"
import { describe, expect, layer } from "@effect/vitest"
import { Cause, Effect, Option, Schedule } from "effect"
import { InboundMessages } from "../../application/ports/InboundMessages.js"
import { Users } from "../../application/ports/Users.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { signBody } from "../../adapters/whatsapp-cloud/verifySignature.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { metaJson } from "../../testing/fakes/graph-api/metaJson.js"
import { HarnessBot, harnessBot } from "../../testing/HarnessBot.js"
import { textMessageWebhook } from "../support/textMessageWebhook.js"

const bot = harnessBot({ storage: InMemoryStorage })

interface Answer {
  readonly status: number
  readonly body: string
  readonly contentType: string | undefined
}

/** A raw HTTP exchange over a real socket, so the server's own answers (413 included) are seen as sent. */
const exchange = (url: string, method: string, headers: Record<string, string> = {}, body?: Uint8Array | string) =>
  Effect.async<Answer, Error>((resume) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (chunk: Buffer) => chunks.push(chunk))
      res.on("end", () =>
        resume(Effect.succeed({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), contentType: res.headers["content-type"] }))
      )
    })
    req.on("error", (error) => resume(Effect.fail(error)))
    if (body !== undefined) req.write(body)
    req.end()
  })

describe("the HTTP surface over real sockets", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("the WhatsApp webhook", (it) => {
    it.effect("answers Meta's handshake with the challenge as text, and 403 to a wrong token", () =>
      Effect.gen(function* () {
        const { baseUrl } = yield* HarnessBot
        const ok = yield* exchange(`${baseUrl}/SmsReceived?hub.mode=subscribe&hub.verify_token=fake-verify-token&hub.challenge=1158201444`, "GET")
        expect(ok).toMatchObject({ status: 200, body: "1158201444" })
        expect(ok.contentType).toMatch(/^text\/plain/)
        const wrong = yield* exchange(`${baseUrl}/SmsReceived?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`, "GET")
        expect(wrong.status).toBe(403)
        const mode = yield* exchange(`${baseUrl}/SmsReceived?hub.mode=unsubscribe&hub.verify_token=fake-verify-token&hub.challenge=1`, "GET")
        expect(mode.status).toBe(403)
      }))

    it.effect("takes a signed body with Meta's escaping (a / and an accented letter), once however often it comes", () =>
      Effect.gen(function* () {
        const { baseUrl } = yield* HarnessBot
        const graph = yield* FakeGraph
        const messageId = `wamid.${globalThis.crypto.randomUUID()}`
        // Meta escapes "/" as "\/" and non-ASCII as \uXXXX; the signature is over exactly these bytes.
        const body = metaJson(textMessageWebhook(messageId, "café / crème"))
        expect(body).toContain("\\/")
        expect(body).toContain("\\u00e9")
        const headers = { "content-type": "application/json", "x-hub-signature-256": signBody(graph.appSecret, body) }
        const first = yield* exchange(`${baseUrl}/SmsReceived`, "POST", headers, body)
        const again = yield* exchange(`${baseUrl}/SmsReceived`, "POST", headers, body)
        expect([first.status, again.status]).toEqual([200, 200])
        // The conversation resolves the sender and makes the message theirs after the 200: wait for it.
        const theirs = Effect.gen(function* () {
          const people = yield* Effect.flatMap(Users, (users) => users.list({ limit: 1000, offset: 0 }))
          const person = yield* Option.fromNullable(people.find((user) => Option.contains(user.waId, "16505551234")))
          const count = yield* Effect.flatMap(InboundMessages, (inbound) => inbound.countForUser(person.id))
          return yield* count > 0 ? Effect.succeed(count) : Effect.fail(new Cause.NoSuchElementException("not attributed yet"))
        }).pipe(Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("10 seconds"))))
        expect(yield* theirs).toBe(1)
      }))

    it.effect("refuses a missing, wrong or malformed signature with 401", () =>
      Effect.gen(function* () {
        const { baseUrl } = yield* HarnessBot
        const body = metaJson(textMessageWebhook(`wamid.${globalThis.crypto.randomUUID()}`, "hi"))
        const missing = yield* exchange(`${baseUrl}/SmsReceived`, "POST", { "content-type": "application/json" }, body)
        const wrong = yield* exchange(`${baseUrl}/SmsReceived`, "POST", { "x-hub-signature-256": signBody("not-the-secret", body) }, body)
        const malformed = yield* exchange(`${baseUrl}/SmsReceived`, "POST", { "x-hub-signature-256": "sha1=abc" }, body)
        expect([missing.status, wrong.status, malformed.status]).toEqual([401, 401, 401])
      }))

    it.effect("answers 400 to signed bodies that are not JSON or not a webhook envelope", () =>
      Effect.gen(function* () {
        const { baseUrl } = yield* HarnessBot
        const graph = yield* FakeGraph
        for (const body of ["{not json", JSON.stringify({ hello: "world" }), JSON.stringify({ object: "whatsapp_business_account", entry: "x" })]) {
          const answer = yield* exchange(`${baseUrl}/SmsReceived`, "POST", { "x-hub-signature-256": signBody(graph.appSecret, body) }, body)
          expect(answer.status).toBe(400)
          expect(answer.body).toContain("MalformedRequest")
        }
      }))

    it.effect("answers a real 413 to a body over 3 MB, declared or streamed", () =>
      Effect.gen(function* () {
        const { baseUrl } = yield* HarnessBot
        const big = new Uint8Array(3 * 1024 * 1024 + 1).fill(32)
        const declared = yield* exchange(`${baseUrl}/SmsReceived`, "POST", { "content-length": String(big.byteLength) }, big)
        expect(declared.status).toBe(413)
        const chunked = yield* exchange(`${baseUrl}/SmsReceived`, "POST", { "transfer-encoding": "chunked" }, big)
        expect(chunked.status).toBe(413)
      }))

    it.effect("serves /health, /ready and the OpenAPI document", () =>
      Effect.gen(function* () {
        const { baseUrl } = yield* HarnessBot
        expect(yield* exchange(`${baseUrl}/health`, "GET")).toMatchObject({ status: 200, body: JSON.stringify({ status: "ok" }) })
        const ready = yield* exchange(`${baseUrl}/ready`, "GET")
        expect(ready.status).toBe(200)
        expect(JSON.parse(ready.body)).toMatchObject({ status: "ready" })
        const openApi = yield* exchange(`${baseUrl}/docs/openapi.json`, "GET")
        expect(openApi.status).toBe(200)
        const paths = Object.keys((JSON.parse(openApi.body) as { paths: Record<string, unknown> }).paths)
        expect(paths).toEqual(expect.arrayContaining(["/SmsReceived", "/pack-tune-received", "/payment-received", "/health", "/ready"]))
        expect((yield* exchange(`${baseUrl}/docs`, "GET")).status).toBe(200)
      }))
  })
})

