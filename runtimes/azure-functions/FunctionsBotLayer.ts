import { HttpApiBuilder, HttpApiSwagger, HttpApp, HttpServer } from "@effect/platform"
import type { HttpRouter } from "@effect/platform"
import { Context, Effect, Layer } from "effect"
import { CatalogueSettings } from "../../application/catalogue/CatalogueSettings.js"
import { MaintenanceSettings } from "../../application/maintenance/MaintenanceSettings.js"
import type { Astria } from "../../application/ports/Astria.js"
import type { EventBroker } from "../../application/ports/EventBroker.js"
import type { MediaSource } from "../../application/ports/MediaSource.js"
import type { Messenger } from "../../application/ports/Messenger.js"
import type { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { ReconcilerSettings } from "../../application/training/reconcileOverdueOrders.js"
import { AstriaCallbackUrls } from "../../adapters/http-api/AstriaCallbackUrls.js"
import { requestLogger } from "../../adapters/http-api/requestLogger.js"
import { EnabledServices, type ServiceName } from "../../adapters/http-api/EnabledServices.js"
import type { WhatsAppWebhookSettings } from "../../adapters/http-api/WhatsAppWebhookSettings.js"
import type { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { SharpMediaPreparerLive } from "../../adapters/sharp/SharpMediaPreparer.js"
import { SharpPhotoCheckerLive } from "../../adapters/sharp/SharpPhotoChecker.js"
import { ApplicationServicesLive } from "../composition/ApplicationServices.js"
import { PackPreviewsLive } from "../composition/PackPreviews.js"
import { BotHttpApiLive } from "../http-server/BotHttpApi.js"

/**
 * The parts of the bot in Functions. Unlike the standalone `BotParts`, none may need an
 * HttpServer: Functions has none of ours, so the in-process fakes that post to the bot's own
 * address do not fit, and callbacks need the app's public URL.
 */
export interface FunctionsParts<E> {
  readonly storage: Layer.Layer<StoragePorts, E>
  readonly broker: Layer.Layer<EventBroker, E>
  readonly whatsapp: Layer.Layer<Messenger | MediaSource | WhatsAppWebhookSettings, E>
  readonly astria: Layer.Layer<Astria, E>
  readonly payments: Layer.Layer<PaymentProvider | PaymentWebhookSettings, E>
  readonly publicBaseUrl: string
  readonly services: ReadonlyArray<ServiceName>
}

/** Our HttpApi as a web handler (`Request` in, `Response` out), built once with the runtime. */
export class WebHandler extends Context.Tag("whatsapp-astria-bot/azure-functions/WebHandler")<
  WebHandler,
  (request: Request) => Promise<Response>
>() {}

/** Same endpoints and /docs as the standalone server, but handed requests instead of listening. */
const webHandlerLive = Layer.effect(
  WebHandler,
  Effect.gen(function* () {
    const app = yield* HttpApiBuilder.httpApp
    const runtime = yield* Effect.runtime<HttpRouter.HttpRouter.DefaultServices>()
    // The path only in the logs: query strings carry callback secrets and the verify token.
    const handler = HttpApp.toWebHandlerRuntime(runtime)(app, requestLogger)
    return (request: Request) => handler(request)
  })
).pipe(
  Layer.provide(
    Layer.mergeAll(
      HttpApiSwagger.layer({ path: "/docs" }),
      HttpApiBuilder.middlewareOpenApi({ path: "/docs/openapi.json" })
    ).pipe(Layer.provideMerge(BotHttpApiLive))
  ),
  Layer.provide(Layer.mergeAll(HttpApiBuilder.Router.Live, HttpApiBuilder.Middleware.layer, HttpServer.layerContext))
)

/**
 * Everything one Functions process needs: the web handler, and for the timers and topic
 * triggers the use cases' services over the parts. Functions keeps no long-lived process, so the
 * triggers and timers do what the standalone workers and schedules do; the one background fiber
 * is the previews runner of /update-images, which works while the instance lives.
 */
export const functionsBotLayer = <E>(parts: FunctionsParts<E>) => {
  const services = Layer.mergeAll(
    ApplicationServicesLive,
    AstriaCallbackUrls.layer(parts.publicBaseUrl),
    SharpPhotoCheckerLive,
    SharpMediaPreparerLive,
    // /update-images hands its rebuild to this runner, which lives as long as the process.
    PackPreviewsLive,
    Layer.succeed(EnabledServices, parts.services),
    CatalogueSettings.fromConfig,
    MaintenanceSettings.fromConfig,
    ReconcilerSettings.fromConfig
  )
  return webHandlerLive.pipe(
    Layer.provideMerge(services),
    Layer.provideMerge(Layer.mergeAll(parts.whatsapp, parts.astria, parts.payments)),
    Layer.provideMerge(Layer.mergeAll(parts.broker, parts.storage))
  )
}
