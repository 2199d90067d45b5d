/** Composition roots: the bot as one Layer over chosen parts, and the standalone server's. */
export { botLayer, ownBaseUrl, type BotParts } from "./composition/BotLayer.js"
export { ApplicationServicesLive } from "./composition/ApplicationServices.js"
export { BotHttpApiLive, BotHttpServerLive } from "../adapters/http-api/BotHttpApi.js"
export { StandaloneBotLive, standaloneBot } from "./http-server/StandaloneBot.js"
export { planStart, StartRefused, type StartPlan } from "./composition/StartPlan.js"
export { RealParts } from "./composition/RealParts.js"
export { LoggingLive } from "./composition/LoggingLive.js"
export { PackPreviewsLive } from "./composition/PackPreviews.js"
