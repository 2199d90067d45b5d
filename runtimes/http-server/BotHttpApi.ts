import { HttpApiBuilder, HttpApiSwagger, HttpServer } from "@effect/platform"
import { requestLogger } from "../../adapters/http-api/requestLogger.js"
import { Layer } from "effect"
import { AdminHandlers } from "../../adapters/http-api/AdminHandlers.js"
import { AstriaCallbackHandlers } from "../../adapters/http-api/AstriaCallbackHandlers.js"
import { PaymentWebhookGroup } from "../../adapters/http-api/PaymentWebhookGroup.js"
import { HealthHandlers } from "../../adapters/http-api/HealthHandlers.js"
import { WhatsAppWebhookHandlers } from "../../adapters/whatsapp-webhook/WhatsAppWebhookHandlers.js"
import { BotApi } from "../../contracts/http/BotApi.js"

/** Our endpoints, their handlers, and the OpenAPI document at /docs (JSON at /docs/openapi.json). */
export const BotHttpApiLive = HttpApiBuilder.api(BotApi).pipe(
  Layer.provide([HealthHandlers, WhatsAppWebhookHandlers, AstriaCallbackHandlers, PaymentWebhookGroup, AdminHandlers])
)

/** Serves the API on whatever HttpServer is provided (Node's in the standalone runtime). */
export const BotHttpServerLive = HttpApiBuilder.serve(requestLogger).pipe(
  Layer.provide(HttpApiSwagger.layer({ path: "/docs" })),
  Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/docs/openapi.json" })),
  Layer.provide(BotHttpApiLive),
  HttpServer.withLogAddress
)
