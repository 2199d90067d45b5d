import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Effect, Layer } from "effect"
import { ImageFetcher } from "../../../application/ports/ImageFetcher.js"
import { InMemoryWhatsAppLive } from "../../../adapters/memory/InMemoryMessenger.js"
import { SharpPreviewRendererLive } from "../../../adapters/sharp/SharpPreviewRenderer.js"
import * as InMemoryAstria from "../../../adapters/memory/InMemoryAstria.js"
import type { Astria } from "../../../application/ports/Astria.js"
import type { StoragePorts } from "../../../application/ports/StoragePorts.js"
import type { CliEnvironment } from "../../../runtimes/cli/CliEnvironment.js"
import type { PaymentProvider } from "../../../application/ports/PaymentProvider.js"
import { NoPaymentProvider, NoSharedBroker } from "../../../runtimes/cli/CliErrors.js"
import { SchemaMigrations } from "../../../runtimes/cli/SchemaMigrations.js"

const samplePhoto = readFileSync(fileURLToPath(new URL("../../fixtures/photos/astronaut.jpg", import.meta.url)))

/** Previews for the command line's tests: every sample URL answers a real photo; uploads go to the in-memory WhatsApp. */
export const previewsInMemory = Layer.mergeAll(
  InMemoryWhatsAppLive,
  Layer.succeed(ImageFetcher, { fetch: () => Effect.succeed(new Uint8Array(samplePhoto)) }),
  SharpPreviewRendererLive.pipe(Layer.orDie)
)

/**
 * The command line over `storage` with everything else in memory: Astria (unless given), the
 * previews above, and no broker shared with a running bot.
 */
export const inMemoryCliEnvironment = (
  storage: Layer.Layer<StoragePorts>,
  astria: Layer.Layer<Astria> = InMemoryAstria.layer(),
  payments: Layer.Layer<PaymentProvider, NoPaymentProvider> = Layer.fail(new NoPaymentProvider())
): CliEnvironment<NoSharedBroker | NoPaymentProvider> => ({
  storage,
  migrations: SchemaMigrations.none,
  astria,
  previews: previewsInMemory,
  broker: Layer.fail(new NoSharedBroker()),
  payments
})
