import { Exit, ManagedRuntime, Runtime } from "effect"
import type { Effect, Layer } from "effect"

/** The one Effect runtime of a Functions process. */
export interface ProcessRuntime<R, ER> {
  /** Runs an effect on the runtime, building it first if needed; a failed build is in the Exit. */
  readonly runExit: <A, E>(effect: Effect.Effect<A, E, R>) => Promise<Exit.Exit<A, E | ER>>
  /** Releases the pool and connections (`app.hook.appTerminate`). */
  readonly dispose: () => Promise<void>
}

/**
 * A `ManagedRuntime` that forgets a failed build. `ManagedRuntime` (and `toWebHandler`) keep the
 * first build's outcome for good, so one cold start while the database is down would fail every
 * later invocation of the process; here the next invocation builds afresh. Invocations arriving
 * while a build is under way share it.
 */
export const makeProcessRuntime = <R, ER>(layer: Layer.Layer<R, ER>): ProcessRuntime<R, ER> => {
  let current: { readonly managed: ManagedRuntime.ManagedRuntime<R, ER>; readonly built: Promise<Exit.Exit<Runtime.Runtime<R>, ER>> } | undefined

  const acquire = (): Promise<Exit.Exit<Runtime.Runtime<R>, ER>> => {
    if (current !== undefined) return current.built
    const managed = ManagedRuntime.make(layer)
    const built = Runtime.runPromiseExit(Runtime.defaultRuntime)(managed.runtimeEffect).then(async (exit) => {
      if (Exit.isFailure(exit)) {
        if (current?.managed === managed) current = undefined
        await managed.dispose()
      }
      return exit
    })
    current = { managed, built }
    return built
  }

  return {
    runExit: async (effect) => {
      const built = await acquire()
      return Exit.isSuccess(built) ? Runtime.runPromiseExit(built.value)(effect) : Exit.failCause(built.cause)
    },
    dispose: async () => {
      const disposing = current
      current = undefined
      if (disposing !== undefined) await disposing.managed.dispose()
    }
  }
}
