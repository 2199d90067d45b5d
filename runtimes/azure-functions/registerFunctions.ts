import type * as AzureFunctions from "@azure/functions"
import { createRequire } from "node:module"
import { Config, Effect } from "effect"
import type { ConfigError } from "effect"
import { EnabledServices, type ServiceName } from "../../application/settings/EnabledServices.js"
import type { FunctionHandlers } from "./FunctionHandlers.js"

/**
 * The Functions library, required rather than imported: it is CommonJS, which Node's ES module
 * loader would first scan whole for the names it exports, 95 ms against 30 for the require
 * (2026-12-06, on a cold start of about 850 ms; bench/cold-start).
 */
const { app }: typeof AzureFunctions = createRequire(import.meta.url)("@azure/functions")

/** NCRONTAB (seconds first, UTC unless WEBSITE_TIME_ZONE says otherwise). */
export const schedules = {
  /** Sweeps what invocations left in the outbox, and messages whose retry came due. */
  relay: "*/30 * * * * *",
  /** Wednesdays 04:00, as the original bot and the standalone schedule. */
  maintenance: "0 0 4 * * 3",
  reconciler: "0 * * * * *",
  /** The alerts' look at dead letters and unsent replies; its own interval setting is the standalone loop's. */
  operations: "30 * * * * *",
  catalogue: "0 0 */6 * * *"
} as const

/** The app setting holding the Service Bus connection string (the trigger reads it by name). */
export const serviceBusConnectionSetting = "SERVICEBUS_CONNECTION_STRING"

export interface Registration {
  readonly services: ReadonlyArray<ServiceName>
  readonly topic: string
}

/** `SERVICES` and `SERVICEBUS_TOPIC`, read when the host loads the app. */
export const RegistrationConfig: Effect.Effect<Registration, ConfigError.ConfigError> = Effect.all({
  services: Effect.provide(EnabledServices, EnabledServices.fromConfig),
  topic: Config.string("SERVICEBUS_TOPIC").pipe(Config.withDefault("bot-events"))
})

/**
 * Registers the bot's functions. HTTP is one catch-all function: our HttpApi routes, answers 404
 * and 405, serves /docs and reads signed bodies raw, exactly as the standalone server does, so
 * there is one routing table instead of a second one to keep in step. The timers and the topic
 * triggers follow `SERVICES`, so the four services can be deployed as separate function apps.
 */
export const registerFunctions = (handlers: FunctionHandlers, registration: Registration, dispose: () => Promise<void>) => {
  const enabled = new Set(registration.services)
  app.http("http", {
    methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
    route: "{*proxy}",
    // Callers prove themselves by signatures, tokens and the admin bearer, not by function keys.
    authLevel: "anonymous",
    handler: handlers.http
  })
  app.timer("outbox-relay", { schedule: schedules.relay, handler: handlers.relay })
  if (enabled.has("maintenance")) app.timer("maintenance", { schedule: schedules.maintenance, handler: handlers.maintenance })
  if (enabled.has("image")) app.timer("reconciler", { schedule: schedules.reconciler, handler: handlers.reconciler })
  if (enabled.has("message")) app.timer("catalogue-sync", { schedule: schedules.catalogue, handler: handlers.catalogue })
  if (enabled.has("message")) app.timer("operations-watch", { schedule: schedules.operations, handler: handlers.operations })
  const consumers = [
    { service: "message", subscription: "conversation" },
    { service: "image", subscription: "images" },
    { service: "payment", subscription: "training" },
    { service: "payment", subscription: "checkout" }
  ] as const
  for (const { service, subscription } of consumers) {
    if (!enabled.has(service)) continue
    app.serviceBusTopic(subscription, {
      connection: serviceBusConnectionSetting,
      topicName: registration.topic,
      subscriptionName: subscription,
      // One user's events in order, one at a time (sessionId = the internal user id).
      isSessionsEnabled: true,
      handler: handlers.consumer(subscription)
    })
  }
  app.hook.appTerminate(dispose)
}
