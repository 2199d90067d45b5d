import type { HttpClient } from "@effect/platform"
import { Duration, Effect, Layer, Redacted } from "effect"
import { CatalogueSettings } from "../../../application/catalogue/CatalogueSettings.js"
import type { Astria } from "../../../application/ports/Astria.js"
import type { AstriaHttpConfig } from "../../../adapters/astria/AstriaConfig.js"
import * as HttpAstria from "../../../adapters/astria/HttpAstria.js"
import type { FakeAstriaHandle, FakeAstriaOptions } from "./FakeAstria.js"
import { FakeAstria } from "./FakeAstria.js"
import { fakeTierPacks } from "./packs.js"

/** Settings that point the real adapter at a running fake, with delays short enough for tests. */
export const fakeAstriaAdapterConfig = (
  fake: FakeAstriaHandle,
  overrides: Partial<AstriaHttpConfig> = {}
): AstriaHttpConfig => ({
  apiUrl: fake.baseUrl,
  apiKey: Redacted.make(fake.apiKey),
  testMode: true,
  retryBaseDelay: Duration.millis(10),
  maxRetries: 4,
  timeoutWait: Duration.millis(20),
  requestTimeout: Duration.seconds(10),
  lookupPages: 5,
  ...overrides
})

/** The real HTTP adapter talking to a fresh fake over loopback HTTP; both are provided. */
export const httpAstriaOverFake = (
  options: { readonly fake?: FakeAstriaOptions; readonly config?: Partial<AstriaHttpConfig> } = {}
): Layer.Layer<Astria | FakeAstria, never, HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.map(FakeAstria, (fake) => HttpAstria.layer(fakeAstriaAdapterConfig(fake, options.config)))
  ).pipe(Layer.provideMerge(FakeAstria.layer(options.fake)))

/** The tiers selling the fake account's packs (`fakeTierPacks`), as an operator would configure them. */
export const fakeCatalogueSettings: Layer.Layer<CatalogueSettings> = CatalogueSettings.layer({
  tierPacks: fakeTierPacks,
  syncInterval: Duration.hours(6),
  strict: false
})
