import { FetchHttpClient } from "@effect/platform"
import { Config, Effect, Layer, Option } from "effect"
import { botSubscriptions, consumedSubscriptions } from "../../application/workers/Consumers.js"
import * as HttpAstria from "../../adapters/astria/HttpAstria.js"
import { EnabledServices } from "../../application/settings/EnabledServices.js"
import { WhatsAppWebhookSettings } from "../../adapters/whatsapp-webhook/WhatsAppWebhookSettings.js"
import { InMemoryEventBroker } from "../../adapters/memory/InMemoryEventBroker.js"
import { ServiceBusEventBroker } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { TemplatePaymentProvider } from "../../adapters/payments/TemplatePaymentProvider.js"
import { PostgresStorage } from "../../adapters/postgres/PostgresStorage.js"
import { WhatsAppCloudLive } from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { botLayer } from "../composition/BotLayer.js"
import { astriaOverFake, paymentsOverFake } from "../../testing/FakeParts.js"
import { whatsAppOverFakeWithSimulator } from "../../testing/simulator/SimulatorRoutes.js"
import { HttpServerSettingsConfig } from "./HttpServerSettings.js"

const isSet = (name: string) => Effect.map(Config.option(Config.redacted(name)), Option.isSome)

/**
 * The standalone bot from its settings: each real credential that is set replaces its in-process
 * fake, so with no configuration at all it runs on embedded PGlite with fakes of WhatsApp, Astria
 * and the payment provider (DESIGN.md, "The embedded default").
 */
export const StandaloneBotLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const settings = yield* HttpServerSettingsConfig
    const services = yield* Effect.flatMap(EnabledServices, Effect.succeed).pipe(Effect.provide(EnabledServices.fromConfig))
    const realWhatsApp = yield* isSet("WHATSAPP_API_KEY")
    const realAstria = yield* isSet("ASTRIA_API_KEY")
    const realPayments = yield* isSet("PAYMENT_WEBHOOK_SECRET")
    const sharedBroker = yield* isSet("SERVICEBUS_CONNECTION_STRING")
    yield* Effect.logInfo("Starting the bot", {
      services,
      whatsapp: realWhatsApp ? "WhatsApp Cloud API" : `in-process fake; chat at http://localhost:${settings.port}/simulator`,
      astria: realAstria ? "Astria" : "in-process fake",
      payments: realPayments ? "payment provider" : "in-process fake checkout",
      broker: sharedBroker ? "Azure Service Bus" : "in memory (one process)"
    })
    return botLayer<unknown>({
      storage: PostgresStorage.fromConfig,
      // With several processes (SERVICES split), events must cross them: Service Bus when configured.
      broker: sharedBroker
        ? ServiceBusEventBroker.layerConfig({ subscriptions: botSubscriptions, maxDeliveries: 10 })
        : // In memory, only this process can consume: a subscription of a service it does not run
          // would keep every message published to it, unread, until the process ends.
          InMemoryEventBroker.layer({ subscriptions: consumedSubscriptions(services) }),
      whatsapp: realWhatsApp
        ? Layer.merge(WhatsAppCloudLive.pipe(Layer.provide(FetchHttpClient.layer)), WhatsAppWebhookSettings.fromConfig)
        : whatsAppOverFakeWithSimulator(),
      // The fake trains and renders by itself, a little faster than Astria, so a local journey ends.
      astria: realAstria
        ? HttpAstria.layerConfig.pipe(Layer.provide(FetchHttpClient.layer))
        : astriaOverFake({ clock: { trainingMs: 20_000, renderMs: 5_000 } }),
      payments: realPayments
        ? Layer.merge(TemplatePaymentProvider.fromConfig, PaymentWebhookSettings.fromConfig)
        : paymentsOverFake,
      ...(settings.publicBaseUrl === undefined ? {} : { publicBaseUrl: settings.publicBaseUrl }),
      services
    })
  })
)
