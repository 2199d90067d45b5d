import { FetchHttpClient } from "@effect/platform"
import type { MigrationError } from "@effect/sql/Migrator"
import type { SqlError } from "@effect/sql/SqlError"
import type { ConfigError } from "effect"
import { Config, Effect, Layer, Option } from "effect"
import { AstriaHttpConfig } from "../../adapters/astria/AstriaConfig.js"
import { InMemoryRateBudgets } from "../../adapters/memory/InMemoryRateBudgets.js"
import { HttpImageFetcherLive } from "../../adapters/http-fetch/HttpImageFetcher.js"
import type { ServiceBusEntityMissing } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import { SharpPreviewRendererLive } from "../../adapters/sharp/SharpPreviewRenderer.js"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { WhatsAppCloudConfig } from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import type { BrokerUnavailable, EventBroker } from "../../application/ports/EventBroker.js"
import { optionalSecret, secret, setting } from "../../application/settings/presentSetting.js"
import { RealParts } from "../composition/RealParts.js"
import { planStart, type StartRefused } from "../composition/StartPlan.js"
import { NoPaymentProvider } from "./CliErrors.js"
import type { CliEnvironment } from "./CliEnvironment.js"
import { SchemaMigrations } from "./SchemaMigrations.js"

/** The same database as the bot's: `DATABASE_URL` when set (and not empty), else the embedded PGlite. */
const onDatabase = <A, E, R>(build: (url: Parameters<typeof RealParts.database>[0]) => Layer.Layer<A, E, R>) =>
  Layer.unwrapEffect(Effect.map(optionalSecret("DATABASE_URL"), build))

/** Where the bot's events are: Service Bus when configured, else the Postgres broker in the same database. */
const broker: Layer.Layer<EventBroker, BrokerUnavailable | ServiceBusEntityMissing | ConfigError.ConfigError | SqlError | MigrationError> = Layer.unwrapEffect(
  Effect.map(
    Config.all([setting("SERVICEBUS_CONNECTION_STRING"), optionalSecret("DATABASE_URL")]),
    ([connection, databaseUrl]): Layer.Layer<EventBroker, BrokerUnavailable | ServiceBusEntityMissing | ConfigError.ConfigError | SqlError | MigrationError> =>
      RealParts.broker({ serviceBus: Option.isSome(connection), databaseUrl })
  )
)

/** The provider the bot's start plan chose, as the bot builds it; none when payments are the development fake. */
const payments = Layer.unwrapEffect(
  Effect.map(planStart({ runtime: "standalone" }), (plan) =>
    plan.payments._tag === "Real" ? RealParts.payments(plan.payments.settings, plan.mode) : Layer.fail(new NoPaymentProvider())
  )
)

/** The real parts the bot runs on, through the same wiring (RealParts), each built only by the commands that use it. */
export const ProductionEnvironment: CliEnvironment<
  ConfigError.ConfigError | SqlError | MigrationError | BrokerUnavailable | ServiceBusEntityMissing | StartRefused | NoPaymentProvider
> = {
  storage: onDatabase(RealParts.storage),
  migrations: SchemaMigrations.sql.pipe(Layer.provide(onDatabase(RealParts.database))),
  astria: Layer.unwrapEffect(
    Effect.map(Config.all([AstriaHttpConfig, secret("ASTRIA_API_KEY")]), ([settings, apiKey]) => RealParts.astria({ ...settings, apiKey }))
  ),
  previews: Layer.mergeAll(
    Layer.unwrapEffect(
      Effect.map(Config.all([WhatsAppCloudConfig, secret("WHATSAPP_API_KEY")]), ([settings, apiKey]) => WhatsAppCloud.layer({ ...settings, apiKey }))
    ).pipe(
      // Rebuilding previews only uploads media, which no send budget counts: the number's shared
      // budget (in the bot's storage) is left to the processes that send.
      Layer.provide(InMemoryRateBudgets)
    ),
    HttpImageFetcherLive,
    SharpPreviewRendererLive
  ).pipe(Layer.provide(FetchHttpClient.layer)),
  broker,
  payments
}
