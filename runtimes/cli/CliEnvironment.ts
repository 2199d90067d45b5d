import type { Layer } from "effect"
import type { Astria } from "../../application/ports/Astria.js"
import type { EventBroker } from "../../application/ports/EventBroker.js"
import type { ImageFetcher } from "../../application/ports/ImageFetcher.js"
import type { Messenger } from "../../application/ports/Messenger.js"
import type { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import type { PreviewRenderer } from "../../application/ports/PreviewRenderer.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import type { SchemaMigrations } from "./SchemaMigrations.js"

/**
 * What the commands run against. Each layer is built only by the commands that need it, so
 * `--help` and `dead-letters` never open the database, and only `packs sync` needs Astria.
 * Production wires the configured database; tests wire in-memory storage or a test schema.
 */
export interface CliEnvironment<E> {
  /** Every storage port, on a schema that is up to date. */
  readonly storage: Layer.Layer<StoragePorts, E>
  readonly migrations: Layer.Layer<SchemaMigrations, E>
  readonly astria: Layer.Layer<Astria, E>
  /** A broker shared with the running bot, where dead letters can be read and replayed. */
  readonly broker: Layer.Layer<EventBroker, E>
  /** What rebuilding pack previews needs: sample images fetched, sheets rendered, uploads to WhatsApp. */
  readonly previews: Layer.Layer<Messenger | ImageFetcher | PreviewRenderer, E>
  /** The bot's payment provider, for refunds. */
  readonly payments: Layer.Layer<PaymentProvider, E>
}
