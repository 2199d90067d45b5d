/** Wire formats: WhatsApp, Astria and payment bodies, the bot's events, and its HTTP API. */
export * as WhatsApp from "./whatsapp/index.js"
export * as Astria from "./astria/index.js"
export * as Payments from "./payments/index.js"
export * from "./events/EventEnvelope.js"
export * from "./events/BotEvents.js"
export * from "./http/BotApi.js"
export * from "./http/HttpErrors.js"
export * from "./http/AdminApi.js"
