import { Effect, Layer } from "effect"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import * as InMemoryAstria from "../../adapters/memory/InMemoryAstria.js"
import type { CliEnvironment } from "../../runtimes/cli/CliEnvironment.js"
import { NoSharedBroker } from "../../runtimes/cli/CliErrors.js"
import { SchemaMigrations } from "../../runtimes/cli/SchemaMigrations.js"
import { previewsInMemory } from "../cli/support/previewsEnvironment.js"
import { runCli, type CliRun } from "../cli/support/runCli.js"

/**
 * Runs one command line against the storage the running bot uses (as an operator's CLI shares the
 * bot's database), with `settings` as the CLI's settings.
 */
export const cliAgainstBot = (args: ReadonlyArray<string>, settings: Readonly<Record<string, string>> = {}) =>
  Effect.gen(function* () {
    const storage = yield* Effect.context<StoragePorts>()
    const environment: CliEnvironment<NoSharedBroker> = {
      storage: Layer.succeedContext(storage),
      migrations: SchemaMigrations.none,
      astria: InMemoryAstria.layer(),
      previews: previewsInMemory,
      broker: Layer.fail(new NoSharedBroker())
    }
    return yield* Effect.promise((): Promise<CliRun> => runCli(environment, args, settings))
  })
