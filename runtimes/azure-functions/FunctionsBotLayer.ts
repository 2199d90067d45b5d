import { HttpApiBuilder, HttpApp, HttpServer } from "@effect/platform"
import type { HttpRouter } from "@effect/platform"
import { Context, Effect, Layer } from "effect"
import { CatalogueSettings } from "../../application/catalogue/CatalogueSettings.js"
import { MaintenanceSettings } from "../../application/maintenance/MaintenanceSettings.js"
import { ReconcilerSettings } from "../../application/training/reconcileOverdueOrders.js"
import { AstriaCallbackUrls } from "../../adapters/http-api/AstriaCallbackUrls.js"
import { requestLogger } from "../../adapters/http-api/requestLogger.js"
import { botServices, type RuntimeParts } from "../composition/BotServices.js"
import { BotHttpApiLive } from "../../adapters/http-api/BotHttpApi.js"

/**
 * The parts of the bot in Functions. Unlike the standalone `BotParts`, none may need an
 * HttpServer: Functions has none of ours, so the in-process fakes that post to the bot's own
 * address do not fit, and callbacks need the app's public URL.
 */
export interface FunctionsParts<E> extends RuntimeParts<E, never> {
  readonly publicBaseUrl: string
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
  Layer.provide(BotHttpApiLive),
  Layer.provide(Layer.mergeAll(HttpApiBuilder.Router.Live, HttpApiBuilder.Middleware.layer, HttpServer.layerContext))
)

/**
 * Everything one Functions process needs: the web handler, and for the timers and topic
 * triggers the use cases' services over the parts. Functions keeps no long-lived process, so the
 * triggers and timers do what the standalone workers and schedules do; the one background fiber
 * is the previews runner of /update-images, which works while the instance lives.
 */
export const functionsBotLayer = <E>(parts: FunctionsParts<E>) =>
  // No schedule runs here, so the timers that sync the catalogue, maintain and reconcile need their settings.
  Layer.mergeAll(webHandlerLive, CatalogueSettings.fromConfig, MaintenanceSettings.fromConfig, ReconcilerSettings.fromConfig).pipe(
    Layer.provideMerge(botServices(parts, AstriaCallbackUrls.layer(parts.publicBaseUrl)))
  )
