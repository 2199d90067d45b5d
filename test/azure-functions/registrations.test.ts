import { Effect, Layer } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { makeFunctionHandlers } from "../../runtimes/azure-functions/FunctionHandlers.js"
import { makeProcessRuntime } from "../../runtimes/azure-functions/ProcessRuntime.js"
import { registerFunctions } from "../../runtimes/azure-functions/registerFunctions.js"
import { installFakeFunctionsCore, type FakeFunctionsCore } from "./fakeFunctionsCore.js"

let core: FakeFunctionsCore

beforeAll(async () => {
  core = installFakeFunctionsCore()
  // The real entry, as the host loads it (@azure/functions looks for the host at its first
  // registration, after this); it builds nothing until an invocation.
  delete process.env.SERVICES
  delete process.env.SERVICEBUS_TOPIC
  await import("../../runtimes/azure-functions/main.js")
})

const registered = (name: string) => {
  const found = core.functions.find((fn) => fn.name === name)
  if (found === undefined) throw new Error(`no function named ${name}`)
  return found.trigger
}

describe("the Functions app's registrations", () => {
  it("registers one anonymous catch-all HTTP function at the root (routePrefix is empty in host.json)", () => {
    const http = registered("http")
    expect(http.type).toBe("httpTrigger")
    expect(http.route).toBe("{*proxy}")
    expect(http.authLevel).toBe("anonymous")
    expect(http.methods).toEqual(expect.arrayContaining(["GET", "POST"]))
  })

  it("registers the timers with NCRONTAB schedules: relay sweep, maintenance Wednesday 04:00, reconciler and operations watch every minute", () => {
    expect(registered("outbox-relay")).toMatchObject({ type: "timerTrigger", schedule: "*/30 * * * * *" })
    expect(registered("maintenance")).toMatchObject({ type: "timerTrigger", schedule: "0 0 4 * * 3" })
    expect(registered("reconciler")).toMatchObject({ type: "timerTrigger", schedule: "0 * * * * *" })
    expect(registered("catalogue-sync")).toMatchObject({ type: "timerTrigger", schedule: "0 0 */6 * * *" })
    expect(registered("operations-watch")).toMatchObject({ type: "timerTrigger", schedule: "30 * * * * *" })
  })

  it("registers a session-enabled topic trigger per consumer subscription", () => {
    for (const subscription of ["conversation", "images", "training", "checkout"]) {
      expect(registered(subscription)).toMatchObject({
        type: "serviceBusTrigger",
        topicName: "bot-events",
        subscriptionName: subscription,
        isSessionsEnabled: true,
        connection: "SERVICEBUS_CONNECTION_STRING"
      })
    }
    expect(core.functions.map((fn) => fn.name).sort()).toEqual(
      ["catalogue-sync", "checkout", "conversation", "http", "images", "maintenance", "operations-watch", "outbox-relay", "reconciler", "training"]
    )
    // Names the host accepts: a letter first, then letters, digits, '-' or '_'.
    for (const fn of core.functions) expect(fn.name).toMatch(/^[A-Za-z][A-Za-z0-9_-]{0,127}$/)
  })

  it("disposes the runtime on appTerminate", async () => {
    const terminate = core.hooks.filter((hook) => hook.name === "appTerminate")
    expect(terminate).toHaveLength(1)
    await expect(Promise.resolve(terminate[0]!.callback({ hookData: {}, appHookData: {} }))).resolves.toBeUndefined()
  })

  it("registers only the selected services' timers and triggers", () => {
    core.functions.length = 0
    // Registering builds nothing: a runtime that could never build is enough.
    const runtime = makeProcessRuntime(Layer.effectContext(Effect.dieMessage("not built when registering")))
    registerFunctions(makeFunctionHandlers(runtime), { services: ["payment"], topic: "events-2" }, runtime.dispose)
    expect(core.functions.map((fn) => fn.name).sort()).toEqual(["checkout", "http", "outbox-relay", "training"])
    expect(registered("training")).toMatchObject({ topicName: "events-2", subscriptionName: "training" })
  })
})
