import { FetchHttpClient } from "@effect/platform"
import type { MigrationError } from "@effect/sql/Migrator"
import type { SqlError } from "@effect/sql/SqlError"
import type { ConfigError } from "effect"
import { Config, Effect, Layer, Option } from "effect"
import * as HttpAstria from "../../adapters/astria/HttpAstria.js"
import { HttpImageFetcherLive } from "../../adapters/http-fetch/HttpImageFetcher.js"
import { SharpPreviewRendererLive } from "../../adapters/sharp/SharpPreviewRenderer.js"
import { WhatsAppCloudLive } from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { EmbeddedPglite } from "../../adapters/postgres/EmbeddedPglite.js"
import { PgClientFromUrl } from "../../adapters/postgres/PgClientFromUrl.js"
import { PostgresStorage } from "../../adapters/postgres/PostgresStorage.js"
import type { BrokerUnavailable, EventBroker } from "../../application/ports/EventBroker.js"
import { botSubscriptions } from "../../application/workers/Consumers.js"
import { ServiceBusEventBroker } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import type { CliEnvironment } from "./CliEnvironment.js"
import { NoSharedBroker } from "./CliErrors.js"
import { SchemaMigrations } from "./SchemaMigrations.js"

/** The same database choice as the bot's: `DATABASE_URL` when set, else the embedded PGlite. */
const sqlClient = Layer.unwrapEffect(
  Effect.map(Config.option(Config.redacted("DATABASE_URL")), (url) =>
    Option.isSome(url) ? PgClientFromUrl : EmbeddedPglite.layerConfig
  )
)

/**
 * Service Bus when `SERVICEBUS_CONNECTION_STRING` is set. Otherwise the in-memory broker lives
 * inside the bot: the dead-letter commands say so instead of showing an empty, misleading list.
 */
const broker: Layer.Layer<EventBroker, NoSharedBroker | BrokerUnavailable | ConfigError.ConfigError> =
  Layer.unwrapEffect(
    Effect.map(
      Config.option(Config.redacted("SERVICEBUS_CONNECTION_STRING")),
      (connection): Layer.Layer<EventBroker, NoSharedBroker | BrokerUnavailable | ConfigError.ConfigError> =>
        Option.isSome(connection)
          ? ServiceBusEventBroker.layerConfig({ subscriptions: botSubscriptions, maxDeliveries: 10 })
          : Layer.fail(new NoSharedBroker())
    )
  )

/** The configured database, the real Astria over fetch, and the shared broker when there is one. */
export const ProductionEnvironment: CliEnvironment<
  ConfigError.ConfigError | SqlError | MigrationError | NoSharedBroker | BrokerUnavailable
> = {
  storage: PostgresStorage.fromConfig,
  migrations: SchemaMigrations.sql.pipe(Layer.provide(sqlClient)),
  astria: HttpAstria.layerConfig.pipe(Layer.provide(FetchHttpClient.layer)),
  previews: Layer.mergeAll(WhatsAppCloudLive, HttpImageFetcherLive, SharpPreviewRendererLive).pipe(
    Layer.provide(FetchHttpClient.layer)
  ),
  broker
}
