import { FetchHttpClient, HttpMiddleware } from "@effect/platform"
import * as OtlpMetrics from "@effect/opentelemetry/OtlpMetrics"
import * as OtlpSerialization from "@effect/opentelemetry/OtlpSerialization"
import * as OtlpTracer from "@effect/opentelemetry/OtlpTracer"
import { Config, Effect, Layer, Option } from "effect"

/**
 * Spans are neither made nor kept: with no exporter nobody reads them, and the server's span of
 * every request (its URL parsed, its headers copied into attributes) costs the webhook CPU.
 */
const NoTracing = Layer.mergeAll(
  Layer.setTracerEnabled(false),
  Layer.scopedDiscard(Effect.locallyScoped(HttpMiddleware.currentTracerDisabledWhen, () => true))
)

/**
 * OpenTelemetry traces (the spans of requests, use cases and adapters) and the metrics
 * (`application/metrics/BotMetrics.ts`, every minute) sent as OTLP over HTTP, when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set; no spans at all otherwise.
 */
export const TracingLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const endpoint = yield* Config.option(Config.url("OTEL_EXPORTER_OTLP_ENDPOINT"))
    if (Option.isNone(endpoint)) return NoTracing
    const serviceName = yield* Config.string("OTEL_SERVICE_NAME").pipe(Config.withDefault("whatsapp-astria-bot"))
    const base = endpoint.value.toString().replace(/\/?$/, "/")
    return Layer.merge(
      OtlpTracer.layer({ url: new URL("v1/traces", base).toString(), resource: { serviceName } }),
      OtlpMetrics.layer({ url: new URL("v1/metrics", base).toString(), resource: { serviceName }, exportInterval: "1 minute" })
    ).pipe(
      Layer.provide(OtlpSerialization.layerJson),
      Layer.provide(FetchHttpClient.layer)
    )
  })
)
