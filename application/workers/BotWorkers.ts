import type { Context} from "effect";
import { Effect, Layer } from "effect"
import { handleConversationEvent, conversationSubscription } from "../conversation/ConversationConsumer.js"
import { runOutboundSender, type OutboundSenderOptions, defaultOutboundSenderOptions } from "../messaging/OutboundSender.js"
import { runOutboxRelay, type OutboxRelayOptions, defaultOutboxRelayOptions } from "../outbox/OutboxRelay.js"
import { EventBroker, type BrokerMessage, type Subscription } from "../ports/EventBroker.js"
import { handlePhotoReceived, imagesSubscription } from "../photos/ImageConsumer.js"
import { handleTrainingEvent, trainingSubscription } from "../training/TrainingConsumer.js"

/** Every subscription of the bot's topic; a broker is created with these. */
export const botSubscriptions: ReadonlyArray<Subscription> = [
  conversationSubscription,
  imagesSubscription,
  trainingSubscription
]

/** Which background work a process does, by the services it runs (see `SERVICES`). */
export interface WorkerSelection {
  readonly conversation: boolean
  readonly images: boolean
  readonly training: boolean
  readonly relay?: Partial<OutboxRelayOptions>
  readonly sender?: Partial<OutboundSenderOptions>
}

/** The subscriptions whose consumers `botWorkers(selection)` runs. */
export const consumedSubscriptions = (selection: WorkerSelection): ReadonlyArray<Subscription> => [
  ...(selection.conversation ? [conversationSubscription] : []),
  ...(selection.images ? [imagesSubscription] : []),
  ...(selection.training ? [trainingSubscription] : [])
]

const fork = <E, R>(name: string, effect: Effect.Effect<unknown, E, R>) =>
  Effect.forkScoped(
    effect.pipe(
      Effect.tapErrorCause((cause) => Effect.logError(`${name} stopped`, cause)),
      Effect.annotateLogs("worker", name)
    )
  )

/** A handler with the services it needs taken from the layer's context, as the broker wants it. */
const handlerIn =
  <R>(context: Context.Context<R>) =>
  <E>(handler: (message: BrokerMessage) => Effect.Effect<void, E, R>) =>
  (message: BrokerMessage) =>
    Effect.provide(handler(message), context)

/**
 * The standalone runtime's background work, alive as long as the layer: the outbox relay, the
 * outbound sender where conversations run, and a consumer for each selected subscription.
 */
export const botWorkers = (selection: WorkerSelection) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      const broker = yield* EventBroker
      const handler = handlerIn(
        yield* Effect.context<Effect.Effect.Context<ReturnType<typeof handleConversationEvent | typeof handlePhotoReceived | typeof handleTrainingEvent>>>()
      )
      yield* fork("outbox-relay", runOutboxRelay({ ...defaultOutboxRelayOptions, ...selection.relay }))
      if (selection.conversation) {
        yield* fork("outbound-sender", runOutboundSender({ ...defaultOutboundSenderOptions, ...selection.sender }))
        yield* broker.consume(conversationSubscription.name, handler(handleConversationEvent))
      }
      if (selection.images) yield* broker.consume(imagesSubscription.name, handler(handlePhotoReceived))
      if (selection.training) yield* broker.consume(trainingSubscription.name, handler(handleTrainingEvent))
    })
  )
