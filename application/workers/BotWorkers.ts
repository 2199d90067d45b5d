import { Effect, Layer } from "effect"
import { runOperationsWatch } from "../alerts/watchOperations.js"
import { countLeased } from "../metrics/BotMetrics.js"
import { runOutboundSender, defaultOutboundSenderOptions } from "../messaging/OutboundSender.js"
import { runOutboxRelay, defaultOutboxRelayOptions } from "../outbox/OutboxRelay.js"
import { EventBroker } from "../ports/EventBroker.js"
import type { ServiceName } from "../settings/EnabledServices.js"
import { consumersOf, type Consumer, type ConsumerServices } from "./Consumers.js"
import { makeStoragePause } from "./pauseWhileStorageDown.js"
import { stopReason, superviseWorker, workerRestarts } from "./superviseWorker.js"
import { WorkerHealth } from "./WorkerHealth.js"

/**
 * A consumer's loop is the broker's: it runs until the scope closes once `consume` answered. What
 * is supervised here is getting it started; a broker that cannot start it is tried again, the
 * consumer reported down meanwhile.
 */
const startConsumer = (consumer: Consumer, pausing: Effect.Effect.Success<typeof makeStoragePause>) =>
  Effect.gen(function* () {
    const broker = yield* EventBroker
    const health = yield* WorkerHealth
    const context = yield* Effect.context<ConsumerServices>()
    const name = `consumer ${consumer.subscription.name}`
    yield* broker.consume(
      consumer.subscription.name,
      pausing((message) => Effect.zipRight(countLeased(consumer.subscription.name), Effect.provide(consumer.handle(message), context)))
    ).pipe(
      Effect.tapErrorCause((cause) =>
        Effect.logError(`${name} could not start; it will be tried again`, cause).pipe(
          Effect.zipRight(health.stopped(name, stopReason(cause)))
        )
      ),
      Effect.retry(workerRestarts),
      Effect.zipRight(health.running(name))
    )
  })

/**
 * The standalone runtime's background work, alive as long as the layer: the outbox relay, the
 * outbound sender and the operations watch (alerts) where conversations run, and the consumer of each subscription of the
 * process's services. Each reports to WorkerHealth (which this layer provides, for /ready) and is
 * started again when it stops.
 */
export const botWorkers = (services: ReadonlyArray<ServiceName>) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      yield* Effect.forkScoped(superviseWorker("outbox-relay", runOutboxRelay(defaultOutboxRelayOptions)))
      if (services.includes("message")) {
        yield* Effect.forkScoped(superviseWorker("outbound-sender", runOutboundSender(defaultOutboundSenderOptions)))
        yield* Effect.forkScoped(superviseWorker("operations-watch", runOperationsWatch))
      }
      // One pause for the process's consumers: they share its storage.
      const pausing = yield* makeStoragePause
      yield* Effect.forEach(consumersOf(services), (consumer) => Effect.forkScoped(startConsumer(consumer, pausing)), { discard: true })
    })
  ).pipe(Layer.provideMerge(WorkerHealth.layer))
