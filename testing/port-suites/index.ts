/**
 * The port suites (`whatsapp-astria-bot/testing/port-suites`), each a function of a Layer:
 * run them with vitest against your own adapters, as this project runs them against its own.
 */
export * from "./EventBrokerSuite.js"
export * from "./MessengerSuite.js"
export * from "./MediaSourceSuite.js"
export * from "./AstriaSuite.js"
export * from "./PhotoCheckerSuite.js"
export * from "./PaymentProviderSuite.js"
export * from "./Probes.js"
export * from "./storage/storageSuites.js"
