import { NodeContext } from "@effect/platform-node"
import type { Context } from "effect"
import { ConfigProvider, Effect, Exit, Layer, LogLevel, Logger, Scope } from "effect"
import { vi } from "vitest"
import type { CliEnvironment } from "../../../runtimes/cli/CliEnvironment.js"
import { makeCli } from "../../../runtimes/cli/Cli.js"
import { reportFailure } from "../../../runtimes/cli/reportFailure.js"

export interface CliRun {
  readonly exitCode: 0 | 1
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs one command line in this process, as main.ts does, against the given environment, with
 * `settings` as the whole environment of settings. Output is captured from the console.
 */
export const runCli = async <E>(
  environment: CliEnvironment<E>,
  args: ReadonlyArray<string>,
  settings: Readonly<Record<string, string>> = {}
): Promise<CliRun> => {
  const stdout: Array<string> = []
  const stderr: Array<string> = []
  const log = vi.spyOn(console, "log").mockImplementation((...data: Array<unknown>) => void stdout.push(data.join(" ")))
  const error = vi.spyOn(console, "error").mockImplementation((...data: Array<unknown>) => void stderr.push(data.join(" ")))
  try {
    const exit = await makeCli(environment)(["node", "whatsapp-astria-bot", ...args]).pipe(
      Effect.provide(NodeContext.layer),
      reportFailure,
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings)))),
      Logger.withMinimumLogLevel(LogLevel.None),
      Effect.runPromiseExit
    )
    return { exitCode: Exit.isSuccess(exit) ? 0 : 1, stdout: stdout.join("\n"), stderr: stderr.join("\n") }
  } finally {
    log.mockRestore()
    error.mockRestore()
  }
}

export interface Shared<A> {
  readonly context: Context.Context<A>
  /** The built services, for the environment of the commands. */
  readonly layer: Layer.Layer<A>
  readonly run: <B, E>(effect: Effect.Effect<B, E, A>) => Promise<B>
  readonly close: () => Promise<void>
}

/** A layer built once and kept until `close`: commands run one after another on the same database. */
export const buildShared = async <A, E>(layer: Layer.Layer<A, E>): Promise<Shared<A>> => {
  const scope = Effect.runSync(Scope.make())
  const context: Context.Context<A> = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  return {
    context,
    layer: Layer.succeedContext(context),
    run: (effect) => Effect.runPromise(Effect.provide(effect, context)),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}
