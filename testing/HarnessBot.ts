import type { HttpServer } from "@effect/platform"
import { ConfigProvider, Context, Effect, Layer } from "effect"
import { tierPacksSetting } from "../application/catalogue/CatalogueSettings.js"
import type { StoragePorts } from "../application/ports/StoragePorts.js"
import { botSubscriptions } from "../application/workers/Consumers.js"
import { allServices } from "../application/settings/EnabledServices.js"
import { holdingNodeHttpServerLayer } from "../adapters/http-node/HoldingNodeHttpServer.js"
import { InMemoryEventBroker } from "../adapters/memory/InMemoryEventBroker.js"
import type { WhatsAppCloudSettings } from "../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { botLayer, ownBaseUrl } from "../runtimes/composition/BotLayer.js"
import { tierNames } from "../domain/pricing/Tier.js"
import type { FakeAstriaOptions } from "./fakes/astria/FakeAstria.js"
import { fakeTierPacks } from "./fakes/astria/packs.js"
import type { FakeGraphApiOptions } from "./fakes/graph-api/FakeGraphApi.js"
import type { PaymentWebhookSettings } from "../adapters/payments/PaymentWebhookSettings.js"
import type { PaymentProvider } from "../application/ports/PaymentProvider.js"
import { astriaOverFake, paymentsOverFake, whatsAppOverFake } from "./FakeParts.js"
import type { HarnessCheckout } from "./HarnessCheckout.js"
import { whatsAppOverFakeWithSimulator } from "./simulator/SimulatorRoutes.js"

export interface HarnessBotOptions<S = never> {
  /** Every storage port: in memory, PGlite or Postgres (and whatever else it provides, e.g. its SqlClient). */
  readonly storage: Layer.Layer<StoragePorts | S, unknown>
  /** 0 (the default) picks a free port. */
  readonly port?: number
  /** The fake Graph API; by default it does not enforce Meta's per-person pair rate. */
  readonly graph?: FakeGraphApiOptions
  /** The WhatsApp adapter's settings over the fake; by default a brisk per-person pace. */
  readonly whatsapp?: Partial<WhatsAppCloudSettings>
  readonly astria?: FakeAstriaOptions
  /** Also serve the web simulator at /simulator (as `npm start` does). */
  readonly simulator?: boolean
  /** Settings as environment variables (PHOTO_THRESHOLD, TIER_*, ...), over the defaults. */
  readonly settings?: Readonly<Record<string, string>>
}

/** The running bot: where it listens. */
export class HarnessBot extends Context.Tag("whatsapp-astria-bot/harness/HarnessBot")<
  HarnessBot,
  { readonly baseUrl: string }
>() {}

/**
 * The whole bot as it runs standalone, on a real HTTP server, with the real WhatsApp, Astria and
 * payment adapters talking over HTTP to faithful fakes. Tests drive it through the fakes (see
 * BotDriver); the embedded default (`npm start` without configuration) is the same composition.
 */
export const harnessBot = <S = never>(options: HarnessBotOptions<S>) => harnessBotOver(options, paymentsOverFake)

/**
 * The same bot over another payments part: `stripeOverFake` takes payments with the real Stripe
 * adapter over the fake Stripe. Tests reach the fake through its tag (e.g. `FakeStripe`).
 */
export const harnessBotOver = <S, P, E, R extends HttpServer.HttpServer>(
  options: HarnessBotOptions<S>,
  payments: Layer.Layer<P | PaymentProvider | PaymentWebhookSettings | HarnessCheckout, E, R>
) => {
  const server = holdingNodeHttpServerLayer({ port: options.port ?? 0, host: "127.0.0.1" })
  const handle = Layer.effect(HarnessBot, Effect.map(ownBaseUrl, (baseUrl) => ({ baseUrl })))
  // Unless told otherwise, the tiers sell the fake account's packs (the defaults sell only Lite).
  const fakeTiers = tierNames.map((tier) => [tierPacksSetting(tier), fakeTierPacks[tier].join(",")] as const)
  const config = ConfigProvider.fromMap(new Map(Object.entries(options.settings ?? {}))).pipe(
    ConfigProvider.orElse(() => ConfigProvider.fromEnv()),
    ConfigProvider.orElse(() => ConfigProvider.fromMap(new Map(fakeTiers)))
  )
  // The same layer values go to the bot and to the output: a build makes each once, so tests
  // reach the very fakes the bot talks to.
  const whatsappOptions = {
    ...(options.graph === undefined ? {} : { graph: options.graph }),
    ...(options.whatsapp === undefined ? {} : { adapter: options.whatsapp })
  }
  const whatsapp = options.simulator === true ? whatsAppOverFakeWithSimulator(whatsappOptions) : whatsAppOverFake(whatsappOptions)
  const astria = astriaOverFake(options.astria)
  const bot = botLayer({
    storage: options.storage,
    broker: InMemoryEventBroker.layer({ subscriptions: botSubscriptions }),
    whatsapp,
    astria,
    payments,
    services: allServices
  })
  // The storage also gives the WhatsApp adapter its send budget (RateBudgets).
  return Layer.mergeAll(bot, handle, whatsapp, astria, payments).pipe(
    Layer.provideMerge(options.storage),
    Layer.provideMerge(server),
    Layer.provide(Layer.setConfigProvider(config))
  )
}
