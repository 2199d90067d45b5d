import { ServiceBusClient } from "@azure/service-bus"
import { Effect, Redacted } from "effect"
import { ServiceBusConfig, type ServiceBusSettings } from "../../../adapters/service-bus/ServiceBusEventBroker.js"
import { botSubscriptions } from "../../../application/workers/Consumers.js"
import type { LiveCheck } from "./runCheck.js"
import { CheckFailed, failed, skipped, type CheckLine } from "./Verdict.js"

const part = "Service Bus"

/** The SDK's code and message, with the connection string and its key (secrets) taken out of it. */
const reasonOf = (settings: ServiceBusSettings, entity: string) => (error: unknown) => {
  const connectionString = Redacted.value(settings.connectionString)
  const key = /SharedAccessKey=([^;]+)/.exec(connectionString)?.[1]
  const code = error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : "unreachable"
  const said = error instanceof Error ? error.message.split(connectionString).join("(connection string)") : ""
  const message = key === undefined ? said : said.split(key).join("(key)")
  return new CheckFailed({ reason: `${entity}: ${code}${message === "" ? "" : `: ${message}`} (SERVICEBUS_CONNECTION_STRING, SERVICEBUS_TOPIC)` })
}

/** One connection for one check, closed after it; no retries, the doctor's timeout bounds it. */
const withClient = <A>(settings: ServiceBusSettings, entity: string, use: (client: ServiceBusClient) => Promise<A>) =>
  Effect.acquireUseRelease(
    Effect.try({
      try: () => new ServiceBusClient(Redacted.value(settings.connectionString), { retryOptions: { maxRetries: 0, timeoutInMs: 5_000 } }),
      catch: () => new CheckFailed({ reason: "SERVICEBUS_CONNECTION_STRING is not a valid Service Bus connection string" })
    }),
    (client) => Effect.tryPromise({ try: () => use(client), catch: reasonOf(settings, entity) }),
    (client) => Effect.promise(() => client.close().catch(() => undefined))
  )

/**
 * What AMQP shows without management rights: the topic accepts a sender link, each subscription
 * answers a peek (which locks nothing and takes nothing from the running bot).
 */
const checksOf = (settings: ServiceBusSettings): ReadonlyArray<LiveCheck<never> | CheckLine> => [
  {
    part,
    check: `topic ${settings.topic}`,
    run: withClient(settings, `topic ${settings.topic}`, async (client) => {
      const sender = client.createSender(settings.topic)
      const batch = await sender.createMessageBatch()
      await sender.close()
      return `accepts senders (messages up to ${batch.maxSizeInBytes} bytes)`
    })
  },
  ...botSubscriptions.map(
    (subscription): LiveCheck<never> => ({
      part,
      check: `subscription ${subscription.name}`,
      run: withClient(settings, `subscription ${settings.topic}/${subscription.name}`, async (client) => {
        const receiver = client.createReceiver(settings.topic, subscription.name)
        const peeked = await receiver.peekMessages(1)
        await receiver.close()
        return peeked.length === 0 ? "reachable, empty" : "reachable, has messages"
      })
    })
  ),
  skipped(part, "sessions", "not accepted here: a session taken by the doctor is a person's events held from the running bot")
]

export const serviceBusChecks: Effect.Effect<ReadonlyArray<LiveCheck<never> | CheckLine>> = Effect.match(ServiceBusConfig, {
  onFailure: (error) => [failed(part, "settings", error.message)],
  onSuccess: checksOf
})

