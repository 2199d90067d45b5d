import { Effect, Layer } from "effect"
import { LoggingLineByLine } from "../composition/LoggingLive.js"
import { TracingLive } from "../composition/TracingLive.js"
import { makeFunctionHandlers } from "./FunctionHandlers.js"
import { FunctionsBotFromConfig } from "./FunctionsParts.js"
import { makeProcessRuntime } from "./ProcessRuntime.js"
import { RegistrationConfig, registerFunctions } from "./registerFunctions.js"

/**
 * The Azure Functions entry (package.json `main` of the function app). The runtime is built on
 * the first invocation, not at load, so a host that cannot reach the database still loads the app
 * and a later invocation builds it again.
 */
const runtime = makeProcessRuntime(FunctionsBotFromConfig.pipe(Layer.provide(Layer.mergeAll(LoggingLineByLine, TracingLive))))

registerFunctions(makeFunctionHandlers(runtime), Effect.runSync(RegistrationConfig), runtime.dispose)
