/**
 * The testing entry point (`whatsapp-astria-bot/testing`): the whole bot over faithful fakes of
 * the Graph API, Astria and a payment provider, and a driver that chats with it as people would.
 * The port suites, which need vitest, are at `whatsapp-astria-bot/testing/port-suites`.
 */
export { harnessBot, harnessBotOver, HarnessBot, type HarnessBotOptions } from "./HarnessBot.js"
export { HarnessCheckout } from "./HarnessCheckout.js"
export { BotDriver, DriverTimeout, type BotDriverService, type DriverUser } from "./BotDriver.js"
export { seenMessage, type SeenMessage } from "./SeenMessage.js"
export { whatsAppOverFake, astriaOverFake, paymentsOverFake, payOnFakeCheckout } from "./FakeParts.js"
export * as FakeGraphApi from "./fakes/graph-api/index.js"
export * as FakeAstria from "./fakes/astria/FakeAstria.js"
export * as FakePayments from "./fakes/payments/FakePaymentProvider.js"
export { SimulatorRoutes, whatsAppOverFakeWithSimulator } from "./simulator/index.js"
