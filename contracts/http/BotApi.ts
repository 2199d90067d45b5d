import { HttpApi, OpenApi } from "@effect/platform"
import { AdminApi } from "./AdminApi.js"
import { AstriaCallbackApi } from "./AstriaCallbackApi.js"
import { HealthApi } from "./HealthApi.js"
import { PaymentWebhookApi } from "./PaymentWebhookApi.js"
import { WhatsAppWebhookApi } from "./WhatsAppWebhookApi.js"

/** Every endpoint the bot serves; the OpenAPI document at /docs comes from this definition. */
export class BotApi extends HttpApi.make("whatsapp-astria-bot")
  .add(HealthApi)
  .add(WhatsAppWebhookApi)
  .add(AstriaCallbackApi)
  .add(PaymentWebhookApi)
  .add(AdminApi)
  .annotate(OpenApi.Title, "WhatsApp Astria bot")
{}
