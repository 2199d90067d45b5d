import { HttpServer } from "@effect/platform"
import { Effect, Layer } from "effect"
import { MaintenanceSchedule } from "../../application/maintenance/MaintenanceSchedule.js"
import { MaintenanceSettings } from "../../application/maintenance/MaintenanceSettings.js"
import { ReconcilerSchedule, ReconcilerSettings } from "../../application/training/reconcileOverdueOrders.js"
import { botWorkers } from "../../application/workers/BotWorkers.js"
import { AstriaCallbackUrls } from "../../adapters/http-api/AstriaCallbackUrls.js"
import { DirectWhatsAppWebhookLive } from "../../adapters/whatsapp-webhook/DirectWhatsAppWebhook.js"
import { BotHttpServerLive } from "../../adapters/http-api/BotHttpApi.js"
import { botServices, type RuntimeParts } from "./BotServices.js"
import { PackCatalogueSyncAtStart } from "./PackCatalogueSync.js"

/**
 * The parts a runtime on an HttpServer chooses. A part may need the server (a fake posts its
 * webhooks to the bot's own address).
 */
export interface BotParts<E> extends RuntimeParts<E, HttpServer.HttpServer> {
  /** Where Astria and the payment provider call back; by default the server's own address. */
  readonly publicBaseUrl?: string
}

/** The server's own loopback address, for callbacks when no public URL is configured. */
export const ownBaseUrl = HttpServer.addressWith((address) =>
  Effect.succeed(address._tag === "TcpAddress" ? `http://127.0.0.1:${address.port}` : "http://127.0.0.1")
)

/**
 * The whole bot on an HttpServer: our endpoints (Meta's webhook POSTs straight from Node where the
 * server offers `DirectRoutes`), the background workers of the enabled services,
 * the pack catalogue kept in sync, over the given parts. Every runtime that serves HTTP composes
 * this; they differ only in their parts.
 */
export const botLayer = <E>(parts: BotParts<E>) => {
  const enabled = new Set(parts.services)
  const callbackUrls = Layer.unwrapEffect(
    Effect.map(parts.publicBaseUrl === undefined ? ownBaseUrl : Effect.succeed(parts.publicBaseUrl), AstriaCallbackUrls.layer)
  )
  const workers = botWorkers(parts.services)
  const catalogue = enabled.has("message") ? PackCatalogueSyncAtStart : Layer.empty
  const maintenance = enabled.has("maintenance")
    ? MaintenanceSchedule.pipe(Layer.provide(MaintenanceSettings.fromConfig))
    : Layer.empty
  const reconciler = enabled.has("image")
    ? ReconcilerSchedule.pipe(Layer.provide(ReconcilerSettings.fromConfig))
    : Layer.empty
  // The workers report to WorkerHealth, which /ready reads: provided under the endpoints.
  return Layer.mergeAll(BotHttpServerLive, DirectWhatsAppWebhookLive, catalogue, maintenance, reconciler).pipe(
    Layer.provideMerge(workers),
    Layer.provideMerge(botServices(parts, callbackUrls))
  )
}
