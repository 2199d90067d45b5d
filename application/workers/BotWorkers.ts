import { Effect, Layer } from "effect"
import { runOutboundSender, defaultOutboundSenderOptions } from "../messaging/OutboundSender.js"
import { runOutboxRelay, defaultOutboxRelayOptions } from "../outbox/OutboxRelay.js"
import { EventBroker } from "../ports/EventBroker.js"
import type { ServiceName } from "../settings/EnabledServices.js"
import { consumersOf, type ConsumerServices } from "./Consumers.js"

const fork = <E, R>(name: string, effect: Effect.Effect<unknown, E, R>) =>
  Effect.forkScoped(
    effect.pipe(
      Effect.tapErrorCause((cause) => Effect.logError(`${name} stopped`, cause)),
      Effect.annotateLogs("worker", name)
    )
  )

/**
 * The standalone runtime's background work, alive as long as the layer: the outbox relay, the
 * outbound sender where conversations run, and the consumer of each subscription of the
 * process's services.
 */
export const botWorkers = (services: ReadonlyArray<ServiceName>) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      const broker = yield* EventBroker
      const context = yield* Effect.context<ConsumerServices>()
      yield* fork("outbox-relay", runOutboxRelay(defaultOutboxRelayOptions))
      if (services.includes("message")) yield* fork("outbound-sender", runOutboundSender(defaultOutboundSenderOptions))
      yield* Effect.forEach(
        consumersOf(services),
        (consumer) => broker.consume(consumer.subscription.name, (message) => Effect.provide(consumer.handle(message), context)),
        { discard: true }
      )
    })
  )
