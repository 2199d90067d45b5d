import type { HttpApp, HttpServerResponse } from "@effect/platform"
import { HttpMiddleware, HttpServerError, HttpServerRequest } from "@effect/platform"
import { Context, Effect, FiberRef, HashMap } from "effect"

/** The request's path without its query string, which can carry secrets (callback tokens, the verify token). */
export const pathOf = (url: string): string => {
  const query = url.indexOf("?")
  return query < 0 ? url : url.slice(0, query)
}

/** An incoming request id is kept when it looks like one, so a trace can cross services. */
export const requestIdOf = (header: string | undefined): string =>
  header !== undefined && /^[\w.:-]{1,64}$/.test(header) ? header : globalThis.crypto.randomUUID()

/**
 * The request's line, inside the scope that annotates its `requestId`: the response's fields are
 * added to that scope in place, and its release drops them.
 */
export const logSentResponse = (method: string, url: string, status: number, started: number) =>
  Effect.zipRight(
    FiberRef.update(FiberRef.currentLogAnnotations, (annotations) =>
      HashMap.mutate(annotations, (fields) => {
        HashMap.set(fields, "http.method", method)
        HashMap.set(fields, "http.path", pathOf(url))
        HashMap.set(fields, "http.status", status)
        HashMap.set(fields, "http.ms", Date.now() - started)
      })
    ),
    Effect.logInfo("Sent HTTP response")
  )

/**
 * One log line per request, like the platform's logger, but with the path only: query strings
 * carry Astria's per-order callback secrets and Meta's verify token, which logs must never hold.
 * Every line logged while handling the request carries its `requestId`. Honours
 * `HttpMiddleware.withLoggerDisabled`. Kept lean: it runs on every webhook, and was a fifth of the
 * ingest's CPU. So a single annotation scope: the response's fields are added to it in place (its
 * release drops them) rather than in a scope of their own, which cost as much as formatting the
 * line; and the duration is a field rather than a log span.
 */
export const requestLogger = HttpMiddleware.make(<E, R>(app: HttpApp.Default<E, R>) =>
  Effect.withFiberRuntime<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest>((fiber) => {
    const request = Context.unsafeGet(fiber.currentContext, HttpServerRequest.HttpServerRequest)
    const started = Date.now()
    const logResponse = (status: number) => logSentResponse(request.method, request.url, status, started)
    const logged = Effect.onExit(app, (exit) =>
      Effect.flatMap(FiberRef.get(HttpMiddleware.loggerDisabled), (disabled) =>
        disabled
          ? Effect.void
          : logResponse(exit._tag === "Success" ? exit.value.status : HttpServerError.causeResponseStripped(exit.cause)[0].status)
      )
    )
    return Effect.annotateLogs(logged, "requestId", requestIdOf(request.headers["x-request-id"]))
  })
)
