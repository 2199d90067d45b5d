import { HttpApiBuilder, HttpServer } from "@effect/platform"
import { Layer } from "effect"
import { BotApi } from "../../contracts/http/BotApi.js"
import { WhatsAppWebhookHandlers } from "../whatsapp-webhook/WhatsAppWebhookHandlers.js"
import { AdminHandlers } from "./AdminHandlers.js"
import { ApiDocsLive } from "./ApiDocs.js"
import { AstriaCallbackHandlers } from "./AstriaCallbackHandlers.js"
import { HealthHandlers } from "./HealthHandlers.js"
import { PaymentWebhookGroup } from "./PaymentWebhookGroup.js"
import { requestLogger } from "./requestLogger.js"

/**
 * Our endpoints, their handlers, and the OpenAPI document at /docs (JSON at /docs/openapi.json):
 * the one API layer that the standalone server serves and Azure Functions hands requests to.
 */
export const BotHttpApiLive = ApiDocsLive.pipe(
  Layer.provideMerge(
    HttpApiBuilder.api(BotApi).pipe(
      Layer.provide([HealthHandlers, WhatsAppWebhookHandlers, AstriaCallbackHandlers, PaymentWebhookGroup, AdminHandlers])
    )
  )
)

/** Serves the API on whatever HttpServer is provided (Node's in the standalone runtime). */
export const BotHttpServerLive = HttpApiBuilder.serve(requestLogger).pipe(
  Layer.provide(BotHttpApiLive),
  HttpServer.withLogAddress
)
