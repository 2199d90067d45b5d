import { request as httpRequest, type IncomingHttpHeaders } from "node:http"
import { describe, expect, layer } from "@effect/vitest"
import { Context, Effect, HashMap, Layer, List, Logger, Schedule } from "effect"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { signBody } from "../../adapters/whatsapp-cloud/verifySignature.js"
import { whatsAppWebhookMaxBytes } from "../../contracts/http/WhatsAppWebhookApi.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { HarnessBot, harnessBot } from "../../testing/HarnessBot.js"
import { tcpProxy, type TcpProxy } from "../support/TcpProxy.js"
import { freshSchema, inCi, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"
import { textMessageWebhook } from "../support/textMessageWebhook.js"

/**
 * The standalone server answers Meta's POSTs (a declared length within the limit) straight from
 * Node's request event (DirectWhatsAppWebhook), and everything else through the HttpApi route
 * (chunked bodies here). Each case below goes both ways and must be answered, and logged by the
 * request logger, alike.
 */

/**
 * The headers a sender or an operator acts on. Not the framing (Content-Length or chunked): the
 * platform frames an empty answer its own way, and the bodies are compared byte for byte anyway.
 */
const headersThatMatter = ["content-type", "retry-after", "connection", "x-request-id"] as const

interface Answer {
  readonly status: number
  readonly body: string
  readonly headers: Readonly<Record<string, string | undefined>>
}

const pick = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(headersThatMatter.map((name) => [name, headers[name]?.toString()]))

type Framing = "declared" | "chunked"

/** With a declared length (as Meta sends: the direct route takes it), or chunked (left to the HttpApi route). */
const post = (url: string, headers: Record<string, string>, body: Uint8Array | string, framing: Framing) =>
  Effect.async<Answer, Error>((resume) => {
    const length = framing === "declared" ? { "content-length": String(Buffer.byteLength(body)) } : {}
    const request = httpRequest(url, { method: "POST", headers: { ...headers, ...length } }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () =>
        resume(Effect.succeed({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: pick(response.headers) }))
      )
    })
    request.on("error", (error) => resume(Effect.fail(error)))
    // Node declares the length itself for a body given to `end`; one written first goes chunked.
    if (framing === "declared") request.end(body)
    else {
      request.write(body)
      request.end()
    }
    return Effect.sync(() => request.destroy())
  })

/** Half the body sent, then the connection dropped: the client went away mid-body. */
const postInterrupted = (url: string, headers: Record<string, string>, body: string, framing: Framing) =>
  Effect.async<void>((resume) => {
    const length = framing === "declared" ? { "content-length": String(Buffer.byteLength(body)) } : {}
    const request = httpRequest(url, { method: "POST", headers: { ...headers, ...length } })
    request.on("error", () => undefined)
    request.on("close", () => resume(Effect.void))
    request.flushHeaders()
    request.write(body.slice(0, body.length / 2), () => request.destroy())
  })

interface LoggedRequest {
  readonly requestId: string
  readonly message: string
  readonly fields: Readonly<Record<string, unknown>>
}

/** Every log line of the bot, with its annotations: the request logger's lines are read from here. */
const logged: Array<LoggedRequest> = []
const recordingLogger = Logger.add(
  Logger.make(({ annotations, message }) => {
    const fields = Object.fromEntries(HashMap.toEntries(annotations))
    const text = List.isList(message) ? List.toArray(message).map(String).join(" ") : String(message)
    logged.push({ requestId: String(fields["requestId"]), message: text, fields })
  })
)

/** The request logger's line for a request id, once it is written (an interrupted request has no answer to wait for). */
const sentLine = (requestId: string) =>
  Effect.suspend(() => {
    const line = logged.find((entry) => entry.requestId === requestId && entry.message === "Sent HTTP response")
    return line === undefined
      ? Effect.fail("not logged yet")
      : Effect.succeed({
          status: line.fields["http.status"],
          method: line.fields["http.method"],
          path: line.fields["http.path"],
          timed: typeof line.fields["http.ms"] === "number"
        })
  }).pipe(Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("10 seconds"))), Effect.orDie)

class DatabaseProxy extends Context.Tag("test/DatabaseProxy")<DatabaseProxy, TcpProxy>() {}

const target = new URL(testDatabaseUrl)
const proxied = Layer.scoped(DatabaseProxy, tcpProxy({ host: target.hostname, port: Number(target.port || 5432) }))
/** Postgres behind a proxy the test can cut: storage that can go down. */
const storage = Layer.unwrapEffect(
  Effect.map(DatabaseProxy, (proxy) => {
    const url = new URL(testDatabaseUrl)
    url.hostname = "127.0.0.1"
    url.port = String(proxy.port)
    return PgStorage.pipe(Layer.provideMerge(freshSchema("webhook_equivalence", url.toString())))
  })
).pipe(Layer.provideMerge(proxied))

const webhook = (messageId: string) => JSON.stringify(textMessageWebhook(messageId, "hi", "16505550123"))
const requestId = (path: Framing) => `${path}-${globalThis.crypto.randomUUID()}`

const reachable = await isReachable()

describe.skipIf(!reachable && !inCi)("the two WhatsApp webhook entry paths", () => {
  layer(harnessBot({ storage }).pipe(Layer.provide(recordingLogger)), { timeout: 60_000, excludeTestServices: true })(
    "direct from Node, and through the HttpApi",
    (it) => {
      const signedWith = Effect.map(FakeGraph, ({ appSecret }) => (body: Uint8Array | string, id: string) => ({
        "content-type": "application/json",
        "x-hub-signature-256": signBody(appSecret, body),
        "x-request-id": id
      }))

      /** One case both ways: the answers alike, the request logger's lines alike, each with its caller's request id. */
      const bothWays = (name: string, make: (messageId: string, requestId: string) => readonly [Record<string, string>, Uint8Array | string]) =>
        Effect.gen(function* () {
          const { baseUrl } = yield* HarnessBot
          const answers = []
          const lines = []
          for (const framing of ["declared", "chunked"] as const) {
            const id = requestId(framing)
            const [headers, body] = make(`wamid.${framing}.${globalThis.crypto.randomUUID()}`, id)
            answers.push(yield* post(`${baseUrl}/SmsReceived`, headers, body, framing))
            lines.push(yield* sentLine(id))
          }
          expect({ name, ...answers[0] }).toEqual({ name, ...answers[1] })
          expect({ name, ...lines[0] }).toEqual({ name, ...lines[1] })
          expect(lines[0]).toMatchObject({ status: answers[0]!.status, method: "POST", path: "/SmsReceived", timed: true })
          return answers[0]!
        })

      it.effect("answer the six kinds of POST alike, and log them alike", () =>
        Effect.gen(function* () {
          const signed = yield* signedWith
          const notUtf8 = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])
          const cases: ReadonlyArray<readonly [string, (messageId: string, id: string) => readonly [Record<string, string>, Uint8Array | string], number]> = [
            ["a new message", (m, id) => [signed(webhook(m), id), webhook(m)], 200],
            ["no signature", (m, id) => [{ "content-type": "application/json", "x-request-id": id }, webhook(m)], 401],
            ["a wrong signature", (m, id) => [signed(webhook(`${m}.other`), id), webhook(m)], 401],
            ["a body that is not UTF-8", (_, id) => [signed(notUtf8, id), notUtf8], 400],
            ["a body that is not JSON", (_, id) => [signed("{not json", id), "{not json"], 400],
            ["JSON that is not a webhook", (_, id) => [signed(`{"object":"page"}`, id), `{"object":"page"}`], 400]
          ]
          for (const [name, make, status] of cases) {
            expect({ name, status: (yield* bothWays(name, make)).status }).toEqual({ name, status })
          }
        }))

      it.effect("answer 503 alike while storage is down", () =>
        Effect.gen(function* () {
          const signed = yield* signedWith
          const proxy = yield* DatabaseProxy
          yield* proxy.cut
          const answer = yield* bothWays("storage down", (m, id) => [signed(webhook(m), id), webhook(m)]).pipe(
            Effect.ensuring(proxy.restore)
          )
          expect(answer.status).toBe(503)
          expect(JSON.parse(answer.body)).toMatchObject({ _tag: "TemporarilyUnavailable" })
        }))

      it.effect("answer 413 alike to a body over 3 MB", () =>
        Effect.gen(function* () {
          const signed = yield* signedWith
          // Declared over the limit, the direct route leaves it to the HttpApi route: one answer for both.
          const tooLarge = Buffer.alloc(whatsAppWebhookMaxBytes + 1, " ")
          const answer = yield* bothWays("over the limit", (_, id) => [signed(tooLarge, id), tooLarge])
          expect(answer.status).toBe(413)
          expect(JSON.parse(answer.body)).toEqual({ _tag: "PayloadTooLarge", limitBytes: whatsAppWebhookMaxBytes })
        }))

      it.effect("log an interrupted body alike, and go on serving", () =>
        Effect.gen(function* () {
          const { baseUrl } = yield* HarnessBot
          const signed = yield* signedWith
          const lines = []
          for (const framing of ["declared", "chunked"] as const) {
            const id = requestId(framing)
            const body = webhook(`wamid.${framing}.${globalThis.crypto.randomUUID()}`)
            yield* postInterrupted(`${baseUrl}/SmsReceived`, signed(body, id), body, framing)
            lines.push(yield* sentLine(id))
          }
          expect(lines[0]).toEqual(lines[1])
          expect(yield* bothWays("after an interrupted body", (m, id) => [signed(webhook(m), id), webhook(m)])).toMatchObject({
            status: 200
          })
        }))
    }
  )
})
