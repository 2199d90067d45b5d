import type { Effect } from "effect"
import { conversationSubscription, handleConversationEvent } from "../conversation/ConversationConsumer.js"
import { checkoutSubscription, handleCheckoutRequested } from "../payments/CheckoutConsumer.js"
import type { BrokerMessage, DeliveryFailure, Subscription } from "../ports/EventBroker.js"
import { handlePhotoReceived, imagesSubscription } from "../photos/ImageConsumer.js"
import type { ServiceName } from "../settings/EnabledServices.js"
import { handleTrainingEvent, trainingSubscription } from "../training/TrainingConsumer.js"

/** What every consumer's handler needs: the union of the handlers' services. */
export type ConsumerServices = Effect.Effect.Context<
  ReturnType<
    typeof handleConversationEvent | typeof handlePhotoReceived | typeof handleTrainingEvent | typeof handleCheckoutRequested
  >
>

export interface Consumer {
  readonly subscription: Subscription
  /** The service (see `SERVICES`) whose processes run this consumer. */
  readonly service: ServiceName
  readonly handle: (message: BrokerMessage) => Effect.Effect<void, DeliveryFailure, ConsumerServices>
}

/**
 * The bot's consumers, one per subscription of its topic: the one table that the standalone
 * workers, the Azure Functions triggers and every broker are built from.
 */
export type ConsumerName = "conversation" | "images" | "training" | "checkout"

export const consumers: Readonly<Record<ConsumerName, Consumer>> = {
  conversation: { subscription: conversationSubscription, service: "message", handle: handleConversationEvent },
  images: { subscription: imagesSubscription, service: "image", handle: handlePhotoReceived },
  training: { subscription: trainingSubscription, service: "payment", handle: handleTrainingEvent },
  checkout: { subscription: checkoutSubscription, service: "payment", handle: handleCheckoutRequested }
}

const allConsumers: ReadonlyArray<Consumer> = Object.values(consumers)

/** Every subscription of the bot's topic; a broker is created with these. */
export const botSubscriptions: ReadonlyArray<Subscription> = allConsumers.map((consumer) => consumer.subscription)

/** The consumers a process with these services runs. */
export const consumersOf = (services: ReadonlyArray<ServiceName>): ReadonlyArray<Consumer> =>
  allConsumers.filter((consumer) => services.includes(consumer.service))

/** The subscriptions whose consumers a process with these services runs. */
export const consumedSubscriptions = (services: ReadonlyArray<ServiceName>): ReadonlyArray<Subscription> =>
  consumersOf(services).map((consumer) => consumer.subscription)
