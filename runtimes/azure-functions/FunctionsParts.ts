import { FetchHttpClient } from "@effect/platform"
import { Config, Effect, Layer } from "effect"
import { botSubscriptions } from "../../application/workers/Consumers.js"
import * as HttpAstria from "../../adapters/astria/HttpAstria.js"
import { EnabledServices } from "../../application/settings/EnabledServices.js"
import { WhatsAppWebhookSettings } from "../../adapters/whatsapp-webhook/WhatsAppWebhookSettings.js"
import { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { TemplatePaymentProvider } from "../../adapters/payments/TemplatePaymentProvider.js"
import { PostgresStorage } from "../../adapters/postgres/PostgresStorage.js"
import { ServiceBusEventBroker } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import { WhatsAppCloudLive } from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { functionsBotLayer } from "./FunctionsBotLayer.js"

/** The subscriptions' MaxDeliveryCount in the deployment guide; Functions itself only publishes. */
const maxDeliveries = 10

/**
 * The bot in Functions from its settings, all real: Postgres on `DATABASE_URL` (instances come and
 * go, so no embedded database), Service Bus, WhatsApp Cloud, Astria and the payment provider, and
 * `PUBLIC_BASE_URL` for callbacks. A missing setting fails the cold start with its name.
 */
export const FunctionsBotFromConfig = Layer.unwrapEffect(
  Effect.gen(function* () {
    const publicBaseUrl = yield* Config.url("PUBLIC_BASE_URL").pipe(Config.map((url) => url.toString().replace(/\/$/, "")))
    const services = yield* Effect.provide(EnabledServices, EnabledServices.fromConfig)
    return functionsBotLayer<unknown>({
      storage: PostgresStorage.fromUrl,
      broker: ServiceBusEventBroker.layerConfig({ subscriptions: botSubscriptions, maxDeliveries }),
      whatsapp: Layer.merge(WhatsAppCloudLive.pipe(Layer.provide(FetchHttpClient.layer)), WhatsAppWebhookSettings.fromConfig),
      astria: HttpAstria.layerConfig.pipe(Layer.provide(FetchHttpClient.layer)),
      payments: Layer.merge(TemplatePaymentProvider.fromConfig, PaymentWebhookSettings.fromConfig),
      publicBaseUrl,
      services
    })
  })
)
