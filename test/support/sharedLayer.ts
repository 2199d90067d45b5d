import { afterAll } from "@effect/vitest"
import { Effect, Layer, ManagedRuntime } from "effect"

/**
 * Builds `layer` once for the whole test file (on first use) and releases it after the file's
 * last test, while every suite's `it.layer` gets a cheap view of it. A database and its
 * migrations are then made once per file instead of once per suite.
 */
export const sharedLayer = <R, E>(layer: Layer.Layer<R, E>): Layer.Layer<R, E> => {
  const runtime = ManagedRuntime.make(layer)
  afterAll(() => runtime.dispose())
  return Layer.effectContext(Effect.map(runtime.runtimeEffect, (built) => built.context))
}
