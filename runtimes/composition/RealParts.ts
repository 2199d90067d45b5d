import { FetchHttpClient } from "@effect/platform"
import { randomBytes } from "node:crypto"
import { Effect, Layer, Option, Redacted } from "effect"
import * as HttpAstria from "../../adapters/astria/HttpAstria.js"
import type { AstriaHttpConfig } from "../../adapters/astria/AstriaConfig.js"
import { FixedPriceLinksProvider } from "../../adapters/payments/FixedPriceLinksProvider.js"
import { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { defaultStripeTimings, StripeCheckout } from "../../adapters/payments/StripeCheckout.js"
import { defaultSumitTimings, SumitCheckout, SumitPayments } from "../../adapters/payments/SumitCheckout.js"
import { SumitPagesProvider } from "../../adapters/payments/SumitPagesProvider.js"
import { TemplatePaymentProvider } from "../../adapters/payments/TemplatePaymentProvider.js"
import { EmbeddedPglite } from "../../adapters/postgres/EmbeddedPglite.js"
import { PgClientLive } from "../../adapters/postgres/PgClientLive.js"
import { PgEventBroker } from "../../adapters/postgres/PgEventBroker.js"
import { PgEventQueueReadings } from "../../adapters/postgres/PgEventQueueReadings.js"
import { PostgresStorage } from "../../adapters/postgres/PostgresStorage.js"
import { serviceBusEntities } from "../../adapters/service-bus/ServiceBusEntities.js"
import { ServiceBusEventBroker } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { WhatsAppCloudHttpClient } from "../../adapters/whatsapp-cloud/WhatsAppCloudHttpClient.js"
import { WhatsAppWebhookSettings } from "../../adapters/whatsapp-webhook/WhatsAppWebhookSettings.js"
import { botSubscriptions } from "../../application/workers/Consumers.js"
import type { Mode, PaymentSetup, RealWhatsApp } from "./StartPlan.js"

type DatabaseUrl = Option.Option<Redacted.Redacted<string>>

/** Every storage port on the database (its client provided too, for LISTEN/NOTIFY and the broker). */
const storage = (databaseUrl: DatabaseUrl) => (Option.isSome(databaseUrl) ? PostgresStorage.fromUrl : PostgresStorage.embedded)

/**
 * The real parts, each from its settings: the one wiring that the standalone server, Azure
 * Functions and the CLI share. Which parts are real is the start plan's decision (StartPlan.ts).
 */
/** The secret before the current one, while a rotation lasts (none once its `_PREVIOUS` setting is removed). */
const previous = (secret: Option.Option<Redacted.Redacted<string>>) =>
  Option.match(secret, { onNone: () => ({}), onSome: (previousSecret) => ({ previousSecret }) })

export const RealParts = {
  /** The SQL client: Postgres on `DATABASE_URL`, or the embedded PGlite (development only) when there is none. */
  database: (databaseUrl: DatabaseUrl) => (Option.isSome(databaseUrl) ? PgClientLive : EmbeddedPglite.fromConfig),

  storage,

  /**
   * Service Bus when configured; otherwise the database itself (the Postgres broker, on Postgres
   * or the embedded PGlite), so that an event counts as published only once it is stored, and
   * `SERVICES` can be split over processes without Azure. Every subscription either way: another
   * process may consume what this one does not.
   */
  broker: (options: { readonly serviceBus: boolean; readonly databaseUrl: DatabaseUrl }) =>
    options.serviceBus
      ? ServiceBusEventBroker.fromConfig({ subscriptions: botSubscriptions, maxDeliveries: serviceBusEntities.maxDeliveryCount })
      : // The storage layer's own value: a build makes it once, so one pool (or one PGlite) serves both.
        // With it, the depth of its queues for the metrics (read where present, by `readStoredState`).
        Layer.merge(PgEventBroker.fromConfig(botSubscriptions), PgEventQueueReadings).pipe(Layer.provide(storage(options.databaseUrl))),

  /** The WhatsApp Cloud API, and what Meta's webhooks are checked with. */
  whatsapp: (settings: RealWhatsApp) =>
    Layer.merge(
      WhatsAppCloud.layer(settings.cloud).pipe(Layer.provide(WhatsAppCloudHttpClient)),
      Layer.succeed(WhatsAppWebhookSettings, {
        verifyToken: settings.verifyToken,
        appSecret: settings.appSecret,
        ...Option.match(settings.previousAppSecret, { onNone: () => ({}), onSome: (previous) => ({ previousAppSecret: previous }) }),
        numberId: settings.cloud.numberId
      })
    ),

  astria: (settings: AstriaHttpConfig) => HttpAstria.layer(settings).pipe(Layer.provide(FetchHttpClient.layer)),

  /** Production takes live-mode payments only: a test card's event is acknowledged and ignored. */
  payments: (setup: PaymentSetup, mode: Mode) => {
    const liveOnly = mode === "production" ? { liveMode: true } : {}
    switch (setup._tag) {
      case "Stripe":
        return Layer.merge(
          StripeCheckout.layer({ ...defaultStripeTimings, secretKey: setup.stripe.secretKey, apiBase: "https://api.stripe.com", chatUrl: setup.chatUrl }).pipe(
            Layer.provide(FetchHttpClient.layer)
          ),
          Layer.succeed(PaymentWebhookSettings, { secret: setup.stripe.webhookSecret, ...previous(setup.stripe.previousWebhookSecret), ...liveOnly })
        )
      case "Sumit": {
        const sumit = SumitCheckout.layer({
          ...defaultSumitTimings,
          companyId: setup.sumit.companyId,
          apiKey: setup.sumit.apiKey,
          apiBase: "https://api.sumit.co.il",
          chatUrl: setup.chatUrl,
          notificationUrl: setup.notificationUrl
        }).pipe(Layer.provide(FetchHttpClient.layer))
        return Layer.effect(
          PaymentWebhookSettings,
          // SUMIT signs nothing: the signed endpoint takes no body under a secret nobody holds.
          Effect.map(SumitPayments, (payments) => ({ secret: Redacted.make(randomBytes(32).toString("hex")), sumit: payments }))
        ).pipe(Layer.provideMerge(sumit))
      }
      case "SumitPages": {
        const sumit = SumitCheckout.paymentsLayer({
          ...defaultSumitTimings,
          companyId: setup.sumit.companyId,
          apiKey: setup.sumit.apiKey,
          apiBase: "https://api.sumit.co.il"
        }).pipe(Layer.provide(FetchHttpClient.layer))
        return Layer.merge(
          SumitPagesProvider.layer(setup.pages, setup.pricing),
          Layer.effect(
            PaymentWebhookSettings,
            // The trigger is unsigned and confirmed with SUMIT's API; no body is taken under a secret nobody holds.
            Effect.map(SumitPayments, (payments) => ({ secret: Redacted.make(randomBytes(32).toString("hex")), sumitPages: payments }))
          ).pipe(Layer.provide(sumit))
        )
      }
      case "FixedPriceLinks":
        return Layer.merge(
          FixedPriceLinksProvider.layer(setup.links, setup.pricing),
          Layer.succeed(PaymentWebhookSettings, { secret: setup.webhookSecret, ...previous(setup.previousWebhookSecret), ...liveOnly })
        )
      case "LinkTemplate":
        return Layer.merge(
          TemplatePaymentProvider.layer(setup.template),
          Layer.succeed(PaymentWebhookSettings, { secret: setup.webhookSecret, ...previous(setup.previousWebhookSecret), ...liveOnly })
        )
    }
  }
}
