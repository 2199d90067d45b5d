import { FetchHttpClient } from "@effect/platform"
import { Layer, Option, type Redacted } from "effect"
import * as HttpAstria from "../../adapters/astria/HttpAstria.js"
import type { AstriaHttpConfig } from "../../adapters/astria/AstriaConfig.js"
import { InMemoryEventBroker } from "../../adapters/memory/InMemoryEventBroker.js"
import { FixedPriceLinksProvider } from "../../adapters/payments/FixedPriceLinksProvider.js"
import { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { TemplatePaymentProvider } from "../../adapters/payments/TemplatePaymentProvider.js"
import { EmbeddedPglite } from "../../adapters/postgres/EmbeddedPglite.js"
import { PgClientFromUrl } from "../../adapters/postgres/PgClientFromUrl.js"
import { PostgresStorage } from "../../adapters/postgres/PostgresStorage.js"
import { serviceBusEntities } from "../../adapters/service-bus/ServiceBusEntities.js"
import { ServiceBusEventBroker } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import { layerWithSettings } from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { WhatsAppWebhookSettings } from "../../adapters/whatsapp-webhook/WhatsAppWebhookSettings.js"
import { botSubscriptions, consumedSubscriptions } from "../../application/workers/Consumers.js"
import type { ServiceName } from "../../application/settings/EnabledServices.js"
import type { PaymentSetup, RealWhatsApp } from "./StartPlan.js"

/** As the entities are created (deploy/service-bus/create-entities.sh checks against the same value). */
const serviceBusMaxDeliveries = serviceBusEntities.maxDeliveryCount

/**
 * The real parts, each from its settings: the one wiring that the standalone server, Azure
 * Functions and the CLI share. Which parts are real is the start plan's decision (StartPlan.ts).
 */
export const RealParts = {
  /** The SQL client: Postgres on `DATABASE_URL`, or the embedded PGlite (development only) when there is none. */
  database: (databaseUrl: Option.Option<Redacted.Redacted<string>>) =>
    Option.isSome(databaseUrl) ? PgClientFromUrl : EmbeddedPglite.layerConfig,

  /** Every storage port on that database (its client provided too, for LISTEN/NOTIFY and migrations). */
  storage: (databaseUrl: Option.Option<Redacted.Redacted<string>>) =>
    Option.isSome(databaseUrl) ? PostgresStorage.fromUrl : PostgresStorage.embedded,

  /**
   * Service Bus when configured (every subscription: other processes may consume what this one
   * does not); otherwise in this process's memory, with only the subscriptions it consumes, since a
   * subscription nobody here reads would keep every message published to it until the process ends.
   */
  broker: (options: { readonly serviceBus: boolean; readonly services: ReadonlyArray<ServiceName> }) =>
    options.serviceBus
      ? ServiceBusEventBroker.layerConfig({ subscriptions: botSubscriptions, maxDeliveries: serviceBusMaxDeliveries })
      : InMemoryEventBroker.layer({ subscriptions: consumedSubscriptions(options.services) }),

  /** Every subscription on Service Bus, for a process that only publishes or reads dead letters. */
  sharedBroker: ServiceBusEventBroker.layerConfig({ subscriptions: botSubscriptions, maxDeliveries: serviceBusMaxDeliveries }),

  /** The WhatsApp Cloud API, and what Meta's webhooks are checked with. */
  whatsapp: (settings: RealWhatsApp) =>
    Layer.merge(
      layerWithSettings(settings.cloud).pipe(Layer.provide(FetchHttpClient.layer)),
      Layer.succeed(WhatsAppWebhookSettings, { verifyToken: settings.verifyToken, appSecret: settings.appSecret })
    ),

  astria: (settings: AstriaHttpConfig) => HttpAstria.layer(settings).pipe(Layer.provide(FetchHttpClient.layer)),

  payments: (setup: PaymentSetup) =>
    Layer.merge(
      setup._tag === "FixedPriceLinks"
        ? FixedPriceLinksProvider.layer(setup.links, setup.pricing)
        : TemplatePaymentProvider.layer(setup.template),
      Layer.succeed(PaymentWebhookSettings, { secret: setup.webhookSecret })
    )
}
