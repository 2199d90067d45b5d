import { HttpServer } from "@effect/platform"
import { Effect, Layer } from "effect"
import type { Astria } from "../../application/ports/Astria.js"
import type { EventBroker } from "../../application/ports/EventBroker.js"
import type { MediaSource } from "../../application/ports/MediaSource.js"
import type { Messenger } from "../../application/ports/Messenger.js"
import type { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { MaintenanceSchedule } from "../../application/maintenance/MaintenanceSchedule.js"
import { MaintenanceSettings } from "../../application/maintenance/MaintenanceSettings.js"
import { ReconcilerSchedule, ReconcilerSettings } from "../../application/training/reconcileOverdueOrders.js"
import { botWorkers } from "../../application/workers/BotWorkers.js"
import { AstriaCallbackUrls } from "../../adapters/http-api/AstriaCallbackUrls.js"
import { EnabledServices, type ServiceName } from "../../adapters/http-api/EnabledServices.js"
import type { WhatsAppWebhookSettings } from "../../adapters/http-api/WhatsAppWebhookSettings.js"
import type { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { SharpMediaPreparerLive } from "../../adapters/sharp/SharpMediaPreparer.js"
import { SharpPhotoCheckerLive } from "../../adapters/sharp/SharpPhotoChecker.js"
import { BotHttpServerLive } from "../http-server/BotHttpApi.js"
import { ApplicationServicesLive } from "./ApplicationServices.js"
import { PackCatalogueSyncAtStart } from "./PackCatalogueSync.js"
import { PackPreviewsLive } from "./PackPreviews.js"

/** The parts a runtime chooses: each a real adapter or a fake, whatever the rest is. */
export interface BotParts<E> {
  readonly storage: Layer.Layer<StoragePorts, E>
  readonly broker: Layer.Layer<EventBroker, E>
  /** A part may need the server (a fake posts its webhooks to the bot's own address). */
  readonly whatsapp: Layer.Layer<Messenger | MediaSource | WhatsAppWebhookSettings, E, HttpServer.HttpServer>
  readonly astria: Layer.Layer<Astria, E, HttpServer.HttpServer>
  readonly payments: Layer.Layer<PaymentProvider | PaymentWebhookSettings, E, HttpServer.HttpServer>
  /** Where Astria and the payment provider call back; by default the server's own address. */
  readonly publicBaseUrl?: string
  readonly services: ReadonlyArray<ServiceName>
}

/** The server's own loopback address, for callbacks when no public URL is configured. */
export const ownBaseUrl = HttpServer.addressWith((address) =>
  Effect.succeed(address._tag === "TcpAddress" ? `http://127.0.0.1:${address.port}` : "http://127.0.0.1")
)

/**
 * The whole bot on an HttpServer: our endpoints, the background workers of the enabled services,
 * the pack catalogue kept in sync, over the given parts. Every runtime that serves HTTP composes
 * this; they differ only in their parts.
 */
export const botLayer = <E>(parts: BotParts<E>) => {
  const enabled = new Set(parts.services)
  const callbackUrls = Layer.unwrapEffect(
    Effect.map(parts.publicBaseUrl === undefined ? ownBaseUrl : Effect.succeed(parts.publicBaseUrl), AstriaCallbackUrls.layer)
  )
  const services = Layer.mergeAll(
    ApplicationServicesLive,
    callbackUrls,
    SharpPhotoCheckerLive,
    SharpMediaPreparerLive,
    PackPreviewsLive,
    Layer.succeed(EnabledServices, parts.services)
  )
  const workers = botWorkers({
    conversation: enabled.has("message"),
    images: enabled.has("image"),
    training: enabled.has("payment")
  })
  const catalogue = enabled.has("message") ? PackCatalogueSyncAtStart : Layer.empty
  const maintenance = enabled.has("maintenance")
    ? MaintenanceSchedule.pipe(Layer.provide(MaintenanceSettings.fromConfig))
    : Layer.empty
  const reconciler = enabled.has("image")
    ? ReconcilerSchedule.pipe(Layer.provide(ReconcilerSettings.fromConfig))
    : Layer.empty
  return Layer.mergeAll(BotHttpServerLive, workers, catalogue, maintenance, reconciler).pipe(
    Layer.provideMerge(services),
    Layer.provideMerge(Layer.mergeAll(parts.whatsapp, parts.astria, parts.payments)),
    Layer.provideMerge(Layer.mergeAll(parts.broker, parts.storage))
  )
}
