import { createServer } from "node:http"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { ConfigProvider, Duration, Effect, Layer, Redacted } from "effect"
import { allServices } from "../../application/settings/EnabledServices.js"
import { WhatsAppWebhookSettings } from "../../adapters/whatsapp-webhook/WhatsAppWebhookSettings.js"
import { InMemoryEventBroker } from "../../adapters/memory/InMemoryEventBroker.js"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import type { EventBroker } from "../../application/ports/EventBroker.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { botSubscriptions } from "../../application/workers/Consumers.js"
import { botLayer, ownBaseUrl } from "../../runtimes/composition/BotLayer.js"
import { astriaOverFake, paymentsOverFake } from "../../testing/FakeParts.js"
import type { FakeGraphApi } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { settingsForFake } from "../../testing/fakes/graph-api/layers.js"
import { HarnessBot } from "../../testing/HarnessBot.js"

export const inMemoryBroker = InMemoryEventBroker.layer({ subscriptions: botSubscriptions })

/**
 * The bot as harnessBot composes it, but sending through a fake Graph API the test owns (so two
 * servers can share one, as two processes share Meta) and with the broker and storage given.
 * The fake's webhooks are not pointed here: the test posts to whichever server it means.
 */
export const botOnSharedGraph = <S>(options: {
  readonly graph: FakeGraphApi
  readonly storage: Layer.Layer<StoragePorts | S, unknown>
  readonly broker?: Layer.Layer<EventBroker, unknown>
  readonly settings?: Readonly<Record<string, string>>
}) => {
  const whatsapp = Layer.merge(
    WhatsAppCloud.layer(
      settingsForFake(options.graph, { recipientBurst: 50, recipientInterval: Duration.millis(20) })
    ).pipe(Layer.provide(FetchHttpClient.layer)),
    Layer.succeed(WhatsAppWebhookSettings, {
      verifyToken: Redacted.make("faults-verify-token"),
      appSecret: Redacted.make(options.graph.appSecret)
    })
  )
  const bot = botLayer({
    storage: options.storage,
    broker: options.broker ?? inMemoryBroker,
    whatsapp,
    astria: astriaOverFake(),
    payments: paymentsOverFake,
    services: allServices
  })
  const handle = Layer.effect(HarnessBot, Effect.map(ownBaseUrl, (baseUrl) => ({ baseUrl })))
  const config = ConfigProvider.fromMap(new Map(Object.entries(options.settings ?? {}))).pipe(
    ConfigProvider.orElse(() => ConfigProvider.fromEnv())
  )
  return Layer.mergeAll(bot, handle, options.storage).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
    Layer.provide(Layer.setConfigProvider(config))
  )
}
