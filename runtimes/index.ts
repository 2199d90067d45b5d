/** Composition roots: the bot as one Layer over chosen parts, and the standalone server's. */
export { botLayer, ownBaseUrl, type BotParts } from "./composition/BotLayer.js"
export { ApplicationServicesLive } from "./composition/ApplicationServices.js"
export { BotHttpApiLive, BotHttpServerLive } from "./http-server/BotHttpApi.js"
export { StandaloneBotLive } from "./http-server/StandaloneParts.js"
export { LoggingLive } from "./http-server/LoggingLive.js"
export { PackPreviewsLive } from "./composition/PackPreviews.js"
