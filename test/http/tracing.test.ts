import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { HttpMiddleware, HttpServerRequest } from "@effect/platform"
import { ConfigProvider, Effect, FiberRef, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import { describe, expect, it } from "vitest"
import { countWebhookReceived } from "../../application/metrics/BotMetrics.js"
import { TracingLive } from "../../runtimes/composition/TracingLive.js"

/** A collector that keeps every OTLP request body it is sent. */
const collector = async () => {
  const bodies: Array<{ readonly path: string; readonly body: string }> = []
  const server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      bodies.push({ path: request.url ?? "", body: Buffer.concat(chunks).toString("utf8") })
      response.writeHead(200, { "content-type": "application/json" }).end("{}")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const withSettings = (settings: Record<string, string>) =>
  TracingLive.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings))))))

/** Whether spans are made at all, and whether the server skips its span of a webhook request. */
const spanSettings = Effect.all([
  FiberRef.get(FiberRef.currentTracerEnabled),
  Effect.map(FiberRef.get(HttpMiddleware.currentTracerDisabledWhen), (disabledWhen) =>
    disabledWhen(HttpServerRequest.fromWeb(new Request("http://bot/SmsReceived")))
  )
])

describe("OpenTelemetry traces", () => {
  it("are exported over OTLP when an endpoint is configured", async () => {
    const otlp = await collector()
    const runtime = ManagedRuntime.make(withSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: "bot-under-test" }))
    await runtime.runPromise(Effect.void.pipe(Effect.withSpan("decide a conversation")))
    await runtime.dispose()
    await otlp.close()
    expect(otlp.bodies.map((b) => b.path)).toContain("/v1/traces")
    const sent = otlp.bodies.map((b) => b.body).join("\n")
    expect(sent).toContain("decide a conversation")
    expect(sent).toContain("bot-under-test")
  })

  it("are not exported, and nothing is contacted, without an endpoint", async () => {
    const otlp = await collector()
    const runtime = ManagedRuntime.make(withSettings({}))
    await runtime.runPromise(Effect.void.pipe(Effect.withSpan("quiet")))
    await runtime.dispose()
    await otlp.close()
    expect(otlp.bodies).toEqual([])
  })

  it("are not even made without an endpoint, nor the server's span of each request", async () => {
    // Merged with another layer as the runtimes do, so the settings must reach past the merge.
    const runtime = ManagedRuntime.make(Layer.merge(withSettings({}), Logger.minimumLogLevel(LogLevel.Info)))
    const [tracerEnabled, serverSpanDisabled] = await runtime.runPromise(spanSettings)
    await runtime.dispose()
    expect(tracerEnabled).toBe(false)
    expect(serverSpanDisabled).toBe(true)
  })

  it("are made when an endpoint is configured", async () => {
    const otlp = await collector()
    const runtime = ManagedRuntime.make(withSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url }))
    const [tracerEnabled, serverSpanDisabled] = await runtime.runPromise(spanSettings)
    await runtime.dispose()
    await otlp.close()
    expect(tracerEnabled).toBe(true)
    expect(serverSpanDisabled).toBe(false)
  })
})

describe("metrics over OTLP", () => {
  it("are exported beside the traces when an endpoint is configured (at the latest when the process stops)", async () => {
    const otlp = await collector()
    const runtime = ManagedRuntime.make(withSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: "bot-under-test" }))
    await runtime.runPromise(countWebhookReceived("whatsapp"))
    await runtime.dispose()
    await otlp.close()
    const metrics = otlp.bodies.filter((b) => b.path === "/v1/metrics").map((b) => b.body).join("\n")
    expect(metrics).toContain("bot_webhooks_received_total")
    expect(metrics).toContain("bot-under-test")
  })
})
