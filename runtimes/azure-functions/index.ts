/**
 * The Azure Functions runtime's pieces, for a team that builds its own function app over its own
 * parts: `functionsBotLayer(parts)` -> `makeProcessRuntime` -> `makeFunctionHandlers` ->
 * `registerFunctions`. `main.ts` is this app's entry, with every part from the settings.
 */
export { functionsBotLayer, WebHandler, type FunctionsParts } from "./FunctionsBotLayer.js"
export { FunctionsBotFromConfig } from "./FunctionsParts.js"
export {
  brokerMessageOf,
  makeFunctionHandlers,
  type FunctionHandlerOptions,
  type FunctionHandlers,
  type FunctionsBotServices
} from "./FunctionHandlers.js"
export { makeProcessRuntime, type ProcessRuntime } from "./ProcessRuntime.js"
export { RegistrationConfig, registerFunctions, schedules, serviceBusConnectionSetting, type Registration } from "./registerFunctions.js"
