import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { ConfigProvider, Layer } from "effect"
import { botSubscriptions } from "../../application/workers/BotWorkers.js"
import { allServices } from "../../adapters/http-api/EnabledServices.js"
import { InMemoryEventBroker } from "../../adapters/memory/InMemoryEventBroker.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { botLayer } from "../../runtimes/composition/BotLayer.js"
import { astriaOverFake, paymentsOverFake } from "../../runtimes/harness/FakeParts.js"
import { whatsAppOverFakeWithSimulator } from "../../runtimes/harness/simulator/SimulatorRoutes.js"

/**
 * harnessBot's composition (in-memory storage, the fakes, a loopback server) with the simulator's
 * routes in the WhatsApp part: they must join the router before the API server is built, which
 * harnessBot's fixed WhatsApp part does not allow yet. Astria has no clock: the test finishes
 * training with `completeAll`.
 */
export const simulatorBot = (settings: Readonly<Record<string, string>>) =>
  botLayer({
    storage: InMemoryStorage,
    broker: InMemoryEventBroker.layer({ subscriptions: botSubscriptions }),
    whatsapp: whatsAppOverFakeWithSimulator(),
    astria: astriaOverFake(),
    payments: paymentsOverFake,
    services: allServices
  }).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings)))))
  )
