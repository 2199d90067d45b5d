import { HttpMiddleware, HttpServerError, HttpServerRequest } from "@effect/platform"
import { Effect, FiberRef } from "effect"

/** The request's path without its query string, which can carry secrets (callback tokens, the verify token). */
const pathOf = (url: string): string => {
  const query = url.indexOf("?")
  return query < 0 ? url : url.slice(0, query)
}

/** An incoming request id is kept when it looks like one, so a trace can cross services. */
const requestIdOf = (header: string | undefined): string =>
  header !== undefined && /^[\w.:-]{1,64}$/.test(header) ? header : globalThis.crypto.randomUUID()

/**
 * One log line per request, like the platform's logger, but with the path only: query strings
 * carry Astria's per-order callback secrets and Meta's verify token, which logs must never hold.
 * Every line logged while handling the request carries its `requestId`. Honours
 * `HttpMiddleware.withLoggerDisabled`.
 */
export const requestLogger = HttpMiddleware.make((app) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const requestId = requestIdOf(request.headers["x-request-id"])
    return yield* Effect.gen(function* () {
      const exit = yield* Effect.exit(app)
      if (yield* FiberRef.get(HttpMiddleware.loggerDisabled)) return yield* exit
      const status =
        exit._tag === "Success" ? exit.value.status : HttpServerError.causeResponseStripped(exit.cause)[0].status
      yield* Effect.logInfo("Sent HTTP response").pipe(
        Effect.annotateLogs({ "http.method": request.method, "http.path": pathOf(request.url), "http.status": status })
      )
      return yield* exit
    }).pipe(Effect.annotateLogs("requestId", requestId), Effect.withLogSpan("http"))
  })
)
