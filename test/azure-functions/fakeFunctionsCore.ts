import Module from "node:module"

/** A binding as @azure/functions hands it to the host. */
export interface RegisteredBinding {
  readonly type: string
  readonly direction: string
  readonly [property: string]: unknown
}

export interface RegisteredFunction {
  readonly name: string
  readonly trigger: RegisteredBinding
  readonly handler: unknown
}

export interface FakeFunctionsCore {
  readonly functions: Array<RegisteredFunction>
  readonly hooks: Array<{ readonly name: string; readonly callback: (context: object) => unknown }>
}

const isBinding = (value: unknown): value is RegisteredBinding =>
  typeof value === "object" &&
  value !== null &&
  typeof Reflect.get(value, "type") === "string" &&
  typeof Reflect.get(value, "direction") === "string"

const triggerOf = (metadata: unknown): RegisteredBinding => {
  const bindings: unknown = typeof metadata === "object" && metadata !== null ? Reflect.get(metadata, "bindings") : undefined
  const trigger = Object.values(typeof bindings === "object" && bindings !== null ? bindings : {}).find(
    (binding) => isBinding(binding) && binding.direction === "in" && binding.type.endsWith("Trigger")
  )
  if (!isBinding(trigger)) throw new Error("a function was registered without a trigger")
  return trigger
}

/**
 * What the Functions host gives @azure/functions as `@azure/functions-core` (azure.md): with it
 * present the package leaves test mode and hands each registration to `registerFunction`, which
 * this fake records. @azure/functions is CommonJS and loaded natively (not through vitest's
 * module graph), so the fake is answered from Node's module loader; it must be installed before
 * the first `app.*` call, since the package looks for the host only once.
 */
export const installFakeFunctionsCore = (): FakeFunctionsCore => {
  const core: FakeFunctionsCore = { functions: [], hooks: [] }
  const disposable = { dispose: () => undefined }
  const fake = {
    setProgrammingModel: () => undefined,
    log: () => undefined,
    registerFunction: (metadata: unknown, handler: unknown) => {
      const name = typeof metadata === "object" && metadata !== null ? Reflect.get(metadata, "name") : undefined
      core.functions.push({ name: String(name), trigger: triggerOf(metadata), handler })
      return disposable
    },
    registerHook: (name: string, callback: (context: object) => unknown) => {
      core.hooks.push({ name, callback })
      return disposable
    }
  }
  const load: unknown = Reflect.get(Module, "_load")
  if (typeof load !== "function") throw new Error("Node's CommonJS loader has no _load to wrap")
  Reflect.set(Module, "_load", function (this: unknown, request: unknown, ...rest: ReadonlyArray<unknown>) {
    return request === "@azure/functions-core" ? fake : Reflect.apply(load, this, [request, ...rest])
  })
  return core
}
