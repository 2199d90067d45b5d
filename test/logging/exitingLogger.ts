import { Effect, ManagedRuntime } from "effect"
import { LoggingLive } from "../../runtimes/composition/LoggingLive.js"

/**
 * Logs `count` lines through `LoggingLive`, then ends the process in the same turn of the event
 * loop without closing the layer's scope: by `process.exit` or by an uncaught exception.
 */
const [how, count] = [process.argv[2], Number(process.argv[3])]
const runtime = ManagedRuntime.make(LoggingLive)
for (let i = 0; i < count; i++) runtime.runSync(Effect.logInfo(`line ${i}`))
if (how === "exit") process.exit(0)
throw new Error("crashed")
