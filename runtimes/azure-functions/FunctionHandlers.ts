import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext, ServiceBusTopicHandler, TimerHandler } from "@azure/functions"
import { Cause, Clock, Duration, Effect, Either, Exit, Option, Schema } from "effect"
import type { Layer } from "effect"
import { rebuildPreviews } from "../../application/catalogue/rebuildPreviews.js"
import { syncPacks } from "../../application/catalogue/syncPacks.js"
import { runMaintenance } from "../../application/maintenance/runMaintenance.js"
import { countLeased } from "../../application/metrics/BotMetrics.js"
import { readStoredState } from "../../application/metrics/readStoredState.js"
import { defaultOutboundSenderOptions, sendOutboundBatch } from "../../application/messaging/OutboundSender.js"
import { defaultOutboxRelayOptions, relayOutboxBatch } from "../../application/outbox/OutboxRelay.js"
import type { BrokerMessage } from "../../application/ports/EventBroker.js"
import { consumers, type ConsumerName } from "../../application/workers/Consumers.js"
import { reconcileOverdueOrders } from "../../application/training/reconcileOverdueOrders.js"
import { checkOperations } from "../../application/alerts/watchOperations.js"
import { WebHandler, type functionsBotLayer } from "./FunctionsBotLayer.js"
import type { ProcessRuntime } from "./ProcessRuntime.js"
import { FailedEvent, FailedEvents } from "../../application/ports/FailedEvents.js"

/** What the Functions process's runtime provides. */
export type FunctionsBotServices = Layer.Layer.Success<ReturnType<typeof functionsBotLayer<unknown>>>


export interface FunctionHandlerOptions {
  /** How long a retryable failure waits before it hands the message back (the n-th delivery). */
  readonly redeliveryDelay?: (deliveryCount: number) => Duration.Duration
  /** How long an invocation spends relaying events and sending messages after its own work. */
  readonly drainBudget?: Duration.DurationInput
}

/** 1 s doubling per delivery, at most 30 s: Service Bus redelivers an abandoned message at once. */
const defaultRedeliveryDelay = (deliveryCount: number) =>
  Duration.seconds(Math.min(30, 2 ** Math.max(0, Math.min(deliveryCount - 1, 5))))

/**
 * The outbox relayed and the outbound messages sent right after an invocation's commit, since no
 * worker runs between invocations: events until a batch comes back short; messages while a batch
 * sends any (each batch takes every user's next one). What is left, the relay timer sweeps.
 */
const drain = (budget: Duration.DurationInput) =>
  Effect.gen(function* () {
    const relay = defaultOutboxRelayOptions
    const sender = defaultOutboundSenderOptions
    const relayAll = relayOutboxBatch(relay.batchSize, relay.lease).pipe(
      Effect.repeat({ while: (relayed) => relayed === relay.batchSize })
    )
    yield* relayAll
    yield* sendOutboundBatch(sender.batchSize, sender.lease).pipe(Effect.repeat({ while: (sent) => sent > 0, times: 20 }))
    // Sending writes events of its own (a headshot given up): they go out in this invocation too.
    yield* relayAll
  }).pipe(
    Effect.timeout(budget),
    Effect.catchAllCause((cause) => Effect.logWarning("Left for the relay timer", Cause.pretty(cause)))
  )

/** What the host hands a Service Bus trigger besides the body (camel-cased by @azure/functions). */
const TriggerMetadata = Schema.Struct({
  messageId: Schema.String,
  sessionId: Schema.String,
  subject: Schema.optional(Schema.String),
  label: Schema.optional(Schema.String),
  deliveryCount: Schema.optionalWith(Schema.Number, { default: () => 1 }),
  applicationProperties: Schema.optionalWith(
    Schema.Struct({ eventType: Schema.optional(Schema.String), replayOf: Schema.optional(Schema.String) }),
    { default: () => ({}) }
  )
})
const decodeTriggerMetadata = Schema.decodeUnknownEither(TriggerMetadata)

/** The host parses a JSON body into a value, and hands other bodies as text or bytes. */
const bodyText = (body: unknown): Option.Option<string> =>
  typeof body === "string"
    ? Option.some(body)
    : body instanceof Uint8Array
      ? Option.some(Buffer.from(body).toString("utf8"))
      : typeof body === "object" && body !== null
        ? Option.some(JSON.stringify(body))
        : Option.none()

/** The message as the Service Bus adapter reads it: a replayed dead letter keeps its original id. */
export const brokerMessageOf = (body: unknown, metadata: unknown): Either.Either<BrokerMessage & { readonly deliveryCount: number }, string> =>
  Either.gen(function* () {
    const meta = yield* Either.mapLeft(decodeTriggerMetadata(metadata), (error) => `unreadable trigger metadata: ${error.message}`)
    const text = yield* Either.fromOption(bodyText(body), () => "the message has no body")
    const eventType = yield* Either.fromOption(
      Option.fromNullable(meta.subject ?? meta.label ?? meta.applicationProperties.eventType),
      () => "the message has no event type (subject)"
    )
    return {
      id: meta.applicationProperties.replayOf ?? meta.messageId,
      key: meta.sessionId,
      eventType,
      body: text,
      deliveryCount: meta.deliveryCount
    }
  })

const annotate = (context: InvocationContext) =>
  Effect.annotateLogs({ function: context.functionName, invocation: context.invocationId })

const methodsWithoutBody = new Set(["GET", "HEAD"])

/** Our request logger tags its lines with `x-request-id`: the invocation's id, unless the caller sent one. */
const toWebRequest = async (request: HttpRequest, context: InvocationContext): Promise<Request> => {
  const headers = new Headers(request.headers)
  if (!headers.has("x-request-id")) headers.set("x-request-id", context.invocationId)
  return new Request(request.url, {
    method: request.method,
    headers,
    ...(methodsWithoutBody.has(request.method.toUpperCase()) ? {} : { body: await request.arrayBuffer() })
  })
}

const toResponseInit = async (response: Response): Promise<HttpResponseInit> => ({
  status: response.status,
  headers: response.headers,
  body: new Uint8Array(await response.arrayBuffer())
})

const unavailable: HttpResponseInit = {
  status: 503,
  headers: { "content-type": "application/json", "retry-after": "5" },
  jsonBody: { _tag: "TemporarilyUnavailable", message: "The bot is starting or its database is unreachable; try again shortly" }
}

const failure = (what: string, cause: Cause.Cause<unknown>) => new Error(`${what}: ${Cause.pretty(cause)}`)

export interface FunctionHandlers {
  /** Every HTTP request, handed to our HttpApi. */
  readonly http: HttpHandler
  /** The outbox and outbound messages swept (what an invocation left, retries that came due). */
  readonly relay: TimerHandler
  readonly maintenance: TimerHandler
  readonly reconciler: TimerHandler
  readonly catalogue: TimerHandler
  /** Dead letters and unsent replies told to support once per incident (the alerts). */
  readonly operations: TimerHandler
  readonly consumer: (name: ConsumerName) => ServiceBusTopicHandler
}

/** The functions' handlers, each running its use case on the process's one runtime. */
export const makeFunctionHandlers = <ER>(
  runtime: ProcessRuntime<FunctionsBotServices, ER>,
  options: FunctionHandlerOptions = {}
): FunctionHandlers => {
  const redeliveryDelay = options.redeliveryDelay ?? defaultRedeliveryDelay
  const afterCommit = drain(options.drainBudget ?? "20 seconds")

  const timer =
    <A, E>(what: string, work: Effect.Effect<A, E, FunctionsBotServices>): TimerHandler =>
    async (_timer, context) => {
      const exit = await runtime.runExit(work.pipe(Effect.zipLeft(afterCommit), annotate(context)))
      // A failed timer invocation is logged by the host; the next tick runs again.
      if (Exit.isFailure(exit)) throw failure(what, exit.cause)
    }

  return {
    http: async (request, context) => {
      const webRequest = await toWebRequest(request, context)
      const exit = await runtime.runExit(
        Effect.gen(function* () {
          const handle = yield* WebHandler
          const response = yield* Effect.promise(() => handle(webRequest).then(toResponseInit))
          yield* afterCommit
          return response
        }).pipe(annotate(context))
      )
      if (Exit.isSuccess(exit)) return exit.value
      context.error("The bot could not answer", Cause.pretty(exit.cause))
      return unavailable
    },
    relay: timer("outbox relay", Effect.void),
    maintenance: timer("maintenance", runMaintenance),
    reconciler: timer("reconciler", reconcileOverdueOrders),
    // New packs' previews made within the invocation: a background run may not outlive it.
    catalogue: timer("pack catalogue sync", Effect.zipRight(syncPacks, rebuildPreviews({ force: false }))),
    // The gauges of stored state too, for the OTLP export.
    operations: timer("operations watch", Effect.zipRight(checkOperations, readStoredState)),
    consumer: (name) => async (body, context) => {
      const decoded = brokerMessageOf(body, context.triggerMetadata)
      if (Either.isLeft(decoded)) {
        // It would read no better on a later delivery.
        context.error(`Dropped an unreadable message on ${name}: ${decoded.left}`)
        return
      }
      const { deliveryCount, ...message } = decoded.right
      const exit = await runtime.runExit(
        countLeased(consumers[name].subscription.name).pipe(
          Effect.zipRight(consumers[name].handle(message)),
          Effect.zipRight(afterCommit),
          // A trigger cannot dead-letter: the event is recorded for an operator, then completed.
          Effect.catchTag("PermanentFailure", (permanent) =>
            Effect.logError("An event can never be handled; recorded and completed").pipe(
              Effect.annotateLogs({ eventType: message.eventType, reason: permanent.reason }),
              Effect.zipRight(
                Effect.flatMap(FailedEvents, (failed) =>
                  Effect.flatMap(Clock.currentTimeMillis, (now) =>
                    failed.record(
                      new FailedEvent({
                        consumer: name,
                        messageId: message.id,
                        eventType: message.eventType,
                        key: message.key,
                        reason: permanent.reason,
                        body: message.body,
                        failedAt: new Date(now)
                      })
                    )
                  )
                )
              )
            )
          ),
          Effect.annotateLogs({ subscription: name, messageId: message.id, delivery: deliveryCount }),
          annotate(context)
        )
      )
      if (Exit.isSuccess(exit)) return
      // Thrown: the host abandons the message and Service Bus redelivers it, then dead-letters it after MaxDeliveryCount.
      await Effect.runPromise(Effect.sleep(redeliveryDelay(deliveryCount)))
      throw failure(`${name} will retry message ${message.id}`, exit.cause)
    }
  }
}
