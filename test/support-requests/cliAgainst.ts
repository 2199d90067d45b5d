import { Effect, Layer } from "effect"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { inMemoryCliEnvironment } from "../cli/support/previewsEnvironment.js"
import { runCli, type CliRun } from "../cli/support/runCli.js"

/**
 * Runs one command line against the storage the running bot uses (as an operator's CLI shares the
 * bot's database), with `settings` as the CLI's settings.
 */
export const cliAgainstBot = (args: ReadonlyArray<string>, settings: Readonly<Record<string, string>> = {}) =>
  Effect.gen(function* () {
    const storage = yield* Effect.context<StoragePorts>()
    const environment = inMemoryCliEnvironment(Layer.succeedContext(storage))
    return yield* Effect.promise((): Promise<CliRun> => runCli(environment, args, settings))
  })
