import { FetchHttpClient } from "@effect/platform"
import * as OtlpSerialization from "@effect/opentelemetry/OtlpSerialization"
import * as OtlpTracer from "@effect/opentelemetry/OtlpTracer"
import { Config, Effect, Layer, Option } from "effect"

/**
 * OpenTelemetry traces (the spans of requests, use cases and adapters) sent as OTLP over HTTP,
 * when `OTEL_EXPORTER_OTLP_ENDPOINT` is set; nothing at all otherwise.
 */
export const TracingLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const endpoint = yield* Config.option(Config.url("OTEL_EXPORTER_OTLP_ENDPOINT"))
    if (Option.isNone(endpoint)) return Layer.empty
    const serviceName = yield* Config.string("OTEL_SERVICE_NAME").pipe(Config.withDefault("whatsapp-astria-bot"))
    const url = new URL("v1/traces", endpoint.value.toString().replace(/\/?$/, "/")).toString()
    return OtlpTracer.layer({ url, resource: { serviceName } }).pipe(
      Layer.provide(OtlpSerialization.layerJson),
      Layer.provide(FetchHttpClient.layer)
    )
  })
)
