/**
 * The port contract suites (`whatsapp-astria-bot/testing/contracts`), each a function of a Layer:
 * run them with vitest against your own adapters, as this project runs them against its own.
 */
export * from "./EventBrokerContract.js"
export * from "./MessengerContract.js"
export * from "./MediaSourceContract.js"
export * from "./AstriaContract.js"
export * from "./PhotoCheckerContract.js"
export * from "./Probes.js"
export * from "./storage/storageContracts.js"
