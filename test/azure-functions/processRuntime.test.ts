import { Context, Effect, Exit, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { makeProcessRuntime } from "../../runtimes/azure-functions/ProcessRuntime.js"

class Pool extends Context.Tag("test/Pool")<Pool, { readonly build: number }>() {}

/** A pool whose first `failures` builds fail, counting builds and releases. */
const flakyPool = (failures: number) => {
  const counts = { builds: 0, releases: 0 }
  const layer = Layer.scoped(
    Pool,
    Effect.gen(function* () {
      const build = ++counts.builds
      if (build <= failures) return yield* Effect.fail(`database down (build ${build})`)
      yield* Effect.addFinalizer(() => Effect.sync(() => void counts.releases++))
      return { build }
    })
  )
  return { counts, layer }
}

describe("the process runtime", () => {
  it("builds once for concurrent invocations, and again after a failed build", async () => {
    const { counts, layer } = flakyPool(1)
    const runtime = makeProcessRuntime(layer)
    const first = await Promise.all([runtime.runExit(Pool), runtime.runExit(Pool)])
    expect(first.every(Exit.isFailure)).toBe(true)
    expect(counts.builds).toBe(1)

    const second = await Promise.all([runtime.runExit(Pool), runtime.runExit(Pool), runtime.runExit(Pool)])
    expect(second).toEqual([Exit.succeed({ build: 2 }), Exit.succeed({ build: 2 }), Exit.succeed({ build: 2 })])
    expect(counts.builds).toBe(2)

    await runtime.dispose()
    expect(counts.releases).toBe(1)
  })

  it("keeps an effect's own failure apart from the build", async () => {
    const { counts, layer } = flakyPool(0)
    const runtime = makeProcessRuntime(layer)
    expect(await runtime.runExit(Effect.fail("handler failed"))).toEqual(Exit.fail("handler failed"))
    expect(await runtime.runExit(Pool)).toEqual(Exit.succeed({ build: 1 }))
    expect(counts.builds).toBe(1)
    await runtime.dispose()
  })
})
