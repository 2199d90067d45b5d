import { createServer } from "node:http"
import { FetchHttpClient, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { ConfigProvider, Context, Duration, Effect, Layer, Redacted } from "effect"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { botSubscriptions, botWorkers } from "../../application/workers/BotWorkers.js"
import { AstriaCallbackUrls } from "../../adapters/http-api/AstriaCallbackUrls.js"
import { EnabledServices } from "../../adapters/http-api/EnabledServices.js"
import { WhatsAppWebhookSettings } from "../../adapters/http-api/WhatsAppWebhookSettings.js"
import * as HttpAstria from "../../adapters/astria/HttpAstria.js"
import { InMemoryEventBroker } from "../../adapters/memory/InMemoryEventBroker.js"
import { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { TemplatePaymentProvider } from "../../adapters/payments/TemplatePaymentProvider.js"
import { SharpPhotoCheckerLive } from "../../adapters/sharp/SharpPhotoChecker.js"
import { layerWithSettings, type WhatsAppCloudSettings } from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { ApplicationServicesLive } from "../composition/ApplicationServices.js"
import { PackCatalogueSyncAtStart } from "../composition/PackCatalogueSync.js"
import { BotHttpServerLive } from "../http-server/BotHttpApi.js"
import { FakeAstria, type FakeAstriaOptions } from "./fakes/astria/FakeAstria.js"
import { fakeAstriaAdapterConfig } from "./fakes/astria/wiring.js"
import type { FakeGraphApiOptions } from "./fakes/graph-api/FakeGraphApi.js"
import { FakeGraph, FakeGraphLive, settingsForFake } from "./fakes/graph-api/layers.js"
import { FakePaymentProvider } from "./fakes/payments/FakePaymentProvider.js"

export interface HarnessBotOptions {
  /** Every storage port: in memory, PGlite or Postgres. */
  readonly storage: Layer.Layer<StoragePorts, unknown>
  /** 0 (the default) picks a free port. */
  readonly port?: number
  /** The fake Graph API; by default it does not enforce Meta's per-person pair rate. */
  readonly graph?: FakeGraphApiOptions
  /** The WhatsApp adapter's settings over the fake; by default a brisk per-person pace. */
  readonly whatsapp?: Partial<WhatsAppCloudSettings>
  readonly astria?: FakeAstriaOptions
  /** Settings as environment variables (PHOTO_THRESHOLD, TIER_*, ...), over the defaults. */
  readonly settings?: Readonly<Record<string, string>>
}

/** The running bot: where it listens. */
export class HarnessBot extends Context.Tag("whatsapp-astria-bot/harness/HarnessBot")<
  HarnessBot,
  { readonly baseUrl: string }
>() {}

const verifyToken = "harness-verify-token"
const paymentSecret = "harness-payment-secret"

/**
 * Meta lets one person be sent a short burst, then about one message every 6 seconds. A whole
 * journey in a test would wait minutes at that pace, so the harness sends briskly unless a test
 * asks for Meta's pace (the adapter's own tests hold it to it).
 */
const briskPace: Partial<WhatsAppCloudSettings> = { recipientBurst: 50, recipientInterval: Duration.millis(20) }

/** The real adapters, each talking over HTTP to its fake. */
const adaptersOverFakes = (whatsapp: Partial<WhatsAppCloudSettings>) => Layer.unwrapEffect(
  Effect.gen(function* () {
    const graph = yield* FakeGraph
    const astria = yield* FakeAstria
    const payments = yield* FakePaymentProvider
    return Layer.mergeAll(
      layerWithSettings(settingsForFake(graph, whatsapp)),
      HttpAstria.layer(fakeAstriaAdapterConfig(astria)),
      TemplatePaymentProvider.layer(payments.linkTemplate),
      Layer.succeed(WhatsAppWebhookSettings, {
        verifyToken: Redacted.make(verifyToken),
        appSecret: Redacted.make(graph.appSecret)
      }),
      Layer.succeed(PaymentWebhookSettings, { secret: Redacted.make(paymentSecret) })
    ).pipe(Layer.provide(FetchHttpClient.layer))
  })
)

const serverUrl = HttpServer.addressWith((address) =>
  Effect.succeed(address._tag === "TcpAddress" ? `http://127.0.0.1:${address.port}` : "http://127.0.0.1")
)

/** Points the fakes' webhooks at the bot once it listens. */
const wireFakes = Layer.effectDiscard(
  Effect.gen(function* () {
    const baseUrl = yield* serverUrl
    yield* Effect.flatMap(FakeGraph, (graph) => graph.setWebhookTarget(`${baseUrl}/SmsReceived`))
    yield* Effect.flatMap(FakePaymentProvider, (payments) => payments.control.setWebhookUrl(`${baseUrl}/payment-received`))
  })
)

/**
 * The whole bot as it runs standalone, on a real HTTP server, with the real WhatsApp, Astria and
 * payment adapters talking over HTTP to faithful fakes. Tests drive it through the fakes (see
 * BotDriver); the embedded default (`npm start` without configuration) is the same composition.
 */
export const harnessBot = (options: HarnessBotOptions) => {
  const fakes = Layer.mergeAll(
    FakeGraphLive({ pairRate: "off", ...options.graph }),
    FakeAstria.layer(options.astria),
    FakePaymentProvider.layer({ secret: paymentSecret })
  )
  const server = NodeHttpServer.layer(createServer, { port: options.port ?? 0, host: "127.0.0.1" })
  const callbackUrls = Layer.unwrapEffect(Effect.map(serverUrl, AstriaCallbackUrls.layer))
  const handle = Layer.effect(HarnessBot, Effect.map(serverUrl, (baseUrl) => ({ baseUrl })))
  const broker = InMemoryEventBroker.layer({ subscriptions: botSubscriptions })
  const services = Layer.mergeAll(ApplicationServicesLive, callbackUrls, SharpPhotoCheckerLive, EnabledServices.all)
  const workers = botWorkers({ conversation: true, images: true, training: true })
  const config = ConfigProvider.fromMap(new Map(Object.entries(options.settings ?? {}))).pipe(
    ConfigProvider.orElse(() => ConfigProvider.fromEnv())
  )
  return Layer.mergeAll(BotHttpServerLive, workers, PackCatalogueSyncAtStart, wireFakes, handle).pipe(
    Layer.provideMerge(services),
    Layer.provideMerge(adaptersOverFakes({ ...briskPace, ...options.whatsapp })),
    Layer.provideMerge(Layer.mergeAll(broker, options.storage, server)),
    Layer.provideMerge(fakes),
    Layer.provide(Layer.setConfigProvider(config))
  )
}

