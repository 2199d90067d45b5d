import { Layer } from "effect"
import type { Astria } from "../../application/ports/Astria.js"
import type { CallbackUrls } from "../../application/ports/CallbackUrls.js"
import type { EventBroker } from "../../application/ports/EventBroker.js"
import type { MediaSource } from "../../application/ports/MediaSource.js"
import type { Messenger } from "../../application/ports/Messenger.js"
import type { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import type { RateBudgets } from "../../application/ports/RateBudgets.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { EnabledServices, type ServiceName } from "../../application/settings/EnabledServices.js"
import type { WhatsAppWebhookSettings } from "../../adapters/whatsapp-webhook/WhatsAppWebhookSettings.js"
import type { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { SharpMediaPreparerLive } from "../../adapters/sharp/SharpMediaPreparer.js"
import { SharpPhotoCheckerLive } from "../../adapters/sharp/SharpPhotoChecker.js"
import { ApplicationServicesLive } from "./ApplicationServices.js"
import { PackPreviewsLive } from "./PackPreviews.js"

/**
 * The parts every runtime chooses: each adapter a real one or a fake, and the work this process
 * does. `R` is what the adapters may need of the runtime itself.
 */
export interface RuntimeParts<E, R> {
  readonly storage: Layer.Layer<StoragePorts, E>
  readonly broker: Layer.Layer<EventBroker, E>
  /** May use the storage's shared budgets (RateBudgets): one WhatsApp number's pace across every process. */
  readonly whatsapp: Layer.Layer<Messenger | MediaSource | WhatsAppWebhookSettings, E, R | RateBudgets>
  readonly astria: Layer.Layer<Astria, E, R>
  readonly payments: Layer.Layer<PaymentProvider | PaymentWebhookSettings, E, R>
  readonly services: ReadonlyArray<ServiceName>
}

/**
 * The services that the endpoints and use cases run over, in every runtime: the application's
 * services over the chosen parts. A runtime adds only what runs on them (a server and workers, or
 * a web handler and triggers) and where callbacks go.
 */
export const botServices = <E, R, RC>(parts: RuntimeParts<E, R>, callbackUrls: Layer.Layer<CallbackUrls, never, RC>) =>
  Layer.mergeAll(
    ApplicationServicesLive,
    callbackUrls,
    SharpPhotoCheckerLive,
    SharpMediaPreparerLive,
    // /update-images hands its rebuild to this runner, which lives as long as the runtime.
    PackPreviewsLive,
    Layer.succeed(EnabledServices, parts.services)
  ).pipe(
    Layer.provideMerge(Layer.mergeAll(parts.whatsapp, parts.astria, parts.payments)),
    Layer.provideMerge(Layer.mergeAll(parts.broker, parts.storage))
  )
