import { HttpApp, HttpMiddleware, HttpServerResponse } from "@effect/platform"
import { Effect, Logger, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { requestLogger } from "../../adapters/http-api/requestLogger.js"

const lines: Array<string> = []
const runtime = ManagedRuntime.make(
  Logger.replace(
    Logger.defaultLogger,
    Logger.map(Logger.logfmtLogger, (line) => {
      lines.push(line)
    })
  )
)
afterAll(() => runtime.dispose())

const app = Effect.logInfo("handling").pipe(Effect.as(HttpServerResponse.text("ok")))
const handler = HttpApp.toWebHandlerRuntime(await runtime.runtime())(app, requestLogger)
const loggingAfter = HttpMiddleware.make((inner) => Effect.tap(inner, () => Effect.logInfo("after")))
const handlerLoggingAfter = HttpApp.toWebHandlerRuntime(await runtime.runtime())(app, (inner) => loggingAfter(requestLogger(inner)))

const requestIds = (text: string) => [...text.matchAll(/requestId=(\S+)/g)].map((match) => match[1])

describe("the request logger", () => {
  it("tags every line of a request with one request id, and logs the path without its query", async () => {
    lines.length = 0
    const response = await handler(new Request("http://bot/pack-tune-received?order=1&token=very-secret-token"))
    expect(response.status).toBe(200)
    expect(lines).toHaveLength(2)
    const ids = lines.flatMap(requestIds)
    expect(ids).toHaveLength(2)
    expect(new Set(ids).size).toBe(1)
    expect(lines.join("\n")).not.toContain("very-secret-token")
    expect(lines[1]).toContain("http.path=/pack-tune-received")
  })

  it("keeps a caller's request id, and gives different requests different ids", async () => {
    lines.length = 0
    await handler(new Request("http://bot/health", { headers: { "x-request-id": "trace-42" } }))
    await handler(new Request("http://bot/health"))
    await handler(new Request("http://bot/health", { headers: { "x-request-id": "not a valid id; drop table" } }))
    const ids = lines.flatMap(requestIds)
    expect(ids.slice(0, 2)).toEqual(["trace-42", "trace-42"])
    expect(new Set(ids.slice(2)).size).toBe(2)
    expect(ids.slice(2)).not.toContain("trace-42")
  })

  it("puts the response's fields on its line in logfmt's order, and on no line logged after the request", async () => {
    lines.length = 0
    await handlerLoggingAfter(new Request("http://bot/SmsReceived?x=1", { method: "POST", headers: { "x-request-id": "trace-7" } }))
    expect(lines).toHaveLength(3)
    expect(lines[1]).toMatch(
      /^timestamp=\S+ level=INFO fiber=#\d+ message="Sent HTTP response" http\.status=200 http\.method=POST http\.ms=\d+ requestId=trace-7 http\.path=\/SmsReceived$/
    )
    expect(lines[2]).toMatch(/^timestamp=\S+ level=INFO fiber=#\d+ message=after$/)
  })
})
