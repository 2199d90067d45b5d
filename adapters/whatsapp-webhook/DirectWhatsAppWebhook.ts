import type { IncomingMessage, ServerResponse } from "node:http"
import { HttpApiSchema } from "@effect/platform"
import { Cause, Effect, Exit, FiberRef, Layer, Option, Runtime, Schema } from "effect"
import { MalformedRequest, PayloadTooLarge, TemporarilyUnavailable, Unauthenticated } from "../../contracts/http/HttpErrors.js"
import { whatsAppWebhookMaxBytes, whatsAppWebhookPath } from "../../contracts/http/WhatsAppWebhookApi.js"
import { unreadable } from "../http-api/readBoundedBody.js"
import { receiveWhatsAppWebhook } from "./receiveWhatsAppWebhook.js"
import { logSentResponse, pathOf, requestIdOf } from "../http-api/requestLogger.js"
import { DirectRoutes } from "../http-node/DirectRoutes.js"

/** The errors the HttpApi route declares; answered here as it answers them. */
const RouteError = Schema.Union(MalformedRequest, Unauthenticated, PayloadTooLarge, TemporarilyUnavailable)
type RouteError = typeof RouteError.Type
const encodeRouteError = Schema.encodeSync(RouteError)
const statusOf: Record<RouteError["_tag"], number> = {
  MalformedRequest: HttpApiSchema.getStatusError(MalformedRequest),
  Unauthenticated: HttpApiSchema.getStatusError(Unauthenticated),
  PayloadTooLarge: HttpApiSchema.getStatusError(PayloadTooLarge),
  TemporarilyUnavailable: HttpApiSchema.getStatusError(TemporarilyUnavailable)
}

interface Answer {
  readonly status: number
  readonly json?: string
}

const answerOf = (exit: Exit.Exit<void, RouteError>): Answer =>
  Exit.match(exit, {
    onSuccess: () => ({ status: 200 }),
    onFailure: (cause) =>
      Option.match(Cause.failureOption(cause), {
        onSome: (error) => ({ status: statusOf[error._tag], json: JSON.stringify(encodeRouteError(error)) }),
        onNone: () => ({ status: 500 })
      })
  })

const write = (response: ServerResponse, answer: Answer) => {
  if (answer.json === undefined) response.writeHead(answer.status, { "content-length": "0" }).end()
  else {
    response
      .writeHead(answer.status, { "content-type": "application/json", "content-length": Buffer.byteLength(answer.json) })
      .end(answer.json)
  }
}

/**
 * Which POSTs this route takes: a body of declared length within Meta's limit, as Meta sends them.
 * Anything else (no length, chunked, too large: the 413 and its drain) goes to the HttpApi route.
 */
const takes = (request: IncomingMessage): boolean => {
  if (request.method !== "POST" || pathOf(request.url ?? "") !== whatsAppWebhookPath) return false
  if (request.headers["transfer-encoding"] !== undefined) return false
  const declared = Number(request.headers["content-length"] ?? Number.NaN)
  return Number.isInteger(declared) && declared >= 0 && declared <= whatsAppWebhookMaxBytes
}

const headerOf = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name]
  return typeof value === "string" ? value : undefined
}

const logDefect = (exit: Exit.Exit<void, RouteError>) =>
  Exit.isFailure(exit) && Option.isNone(Cause.failureOption(exit.cause))
    ? Effect.logError("Webhook failed", exit.cause)
    : Effect.void

/** What the platform logs for a request whose client went away before its answer (nginx's "client closed request"). */
const clientClosedRequest = 499

/** A POST whose client went away mid-body: nothing to answer, nothing to store, a line logged as the platform logs it. */
const logClientGone = (request: IncomingMessage, started: number) =>
  logSentResponse("POST", request.url ?? whatsAppWebhookPath, clientClosedRequest, started).pipe(
    Effect.annotateLogs("requestId", requestIdOf(headerOf(request, "x-request-id")))
  )

/** The server's span of a webhook, as the platform makes one for its routes. */
const serverSpan = Effect.withSpan("http.server POST", {
  kind: "server",
  // No stack trace: capturing one per span cost more than the rest of the span.
  captureStackTrace: false,
  attributes: { "http.request.method": "POST", "url.path": whatsAppWebhookPath }
})

/** One webhook POST, answered and logged as the HttpApi route and the request logger would. */
const handle = (request: IncomingMessage, body: Effect.Effect<Uint8Array, MalformedRequest>, started: number) =>
  body.pipe(
    Effect.flatMap((bytes) => receiveWhatsAppWebhook(bytes, headerOf(request, "x-hub-signature-256"))),
    Effect.exit,
    Effect.flatMap((exit) => {
      const answer = answerOf(exit)
      return logDefect(exit).pipe(
        Effect.zipRight(logSentResponse("POST", request.url ?? whatsAppWebhookPath, answer.status, started)),
        Effect.as(answer)
      )
    }),
    Effect.annotateLogs("requestId", requestIdOf(headerOf(request, "x-request-id")))
  )

/**
 * The standalone server's WhatsApp webhook: Meta's POSTs served straight from Node's request
 * event, one fiber each, by the same `receiveWhatsAppWebhook` as the HttpApi route, with the same
 * answers and log line. Under load the platform's per-request machinery (fiber, middleware,
 * routing, the HttpApi handler) cost as much CPU as storing the messages. A server without
 * `DirectRoutes` (Azure Functions, a plain platform server) keeps the HttpApi route alone.
 */
export const DirectWhatsAppWebhookLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const routes = yield* Effect.serviceOption(DirectRoutes)
    if (Option.isNone(routes)) return
    const runtime = yield* Effect.runtime<Effect.Effect.Context<ReturnType<typeof receiveWhatsAppWebhook>>>()
    const run = Runtime.runCallback(runtime)
    // With tracing off (no exporter), not even a span that goes nowhere.
    const traced = yield* FiberRef.get(FiberRef.currentTracerEnabled)
    yield* routes.value.add((request, response) => {
      if (!takes(request)) return false
      const started = Date.now()
      const chunks: Array<Buffer> = []
      let answered = false
      const answer = (body: Effect.Effect<Uint8Array, MalformedRequest>) => {
        if (answered) return
        answered = true
        const handled = handle(request, body, started)
        run(traced ? serverSpan(handled) : handled, {
          // Interrupted: the server is shutting down before the messages were stored.
          onExit: (exit) => write(response, Exit.isSuccess(exit) ? exit.value : { status: 503 })
        })
      }
      const gone = () => {
        if (answered) return
        answered = true
        run(logClientGone(request, started))
      }
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => answer(Effect.succeed(Buffer.concat(chunks))))
      // A closed socket is the client gone (it aborted mid-body), not bytes it sent wrong.
      request.on("error", () => (request.socket.destroyed ? gone() : answer(Effect.fail(unreadable()))))
      return true
    })
  })
)
