import { Duration, Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { BrokerMessage } from "../../application/ports/EventBroker.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { makeFunctionHandlers, type FunctionHandlers } from "../../runtimes/azure-functions/FunctionHandlers.js"
import { makeProcessRuntime } from "../../runtimes/azure-functions/ProcessRuntime.js"
import { makeFakeGraphApi } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { freshSchema, inCi, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"
import { tcpProxy, type TcpProxy } from "../support/TcpProxy.js"
import { invocation, request, serviceBusMetadata, testBot } from "./support.js"

const reachable = await isReachable()

let scope: Scope.CloseableScope
let proxy: TcpProxy
let handlers: FunctionHandlers
let dispose: () => Promise<void>

beforeAll(async () => {
  if (!reachable) return
  scope = Effect.runSync(Scope.make())
  const target = new URL(testDatabaseUrl)
  proxy = await Effect.runPromise(Scope.extend(tcpProxy({ host: target.hostname, port: Number(target.port || 5432) }), scope))
  const graph = await Effect.runPromise(Scope.extend(makeFakeGraphApi({ customerServiceWindow: "off" }), scope))
  const viaProxy = new URL(testDatabaseUrl)
  viaProxy.hostname = "127.0.0.1"
  viaProxy.port = String(proxy.port)
  const published: Array<BrokerMessage> = []
  // Without the production pool's own backoff, so the first build fails at once.
  const runtime = makeProcessRuntime(
    testBot({ storage: PgStorage.pipe(Layer.provide(freshSchema("azure_functions_cold", viaProxy.toString()))), graph, published })
  )
  dispose = runtime.dispose
  handlers = makeFunctionHandlers(runtime, { redeliveryDelay: () => Duration.zero })
})

afterAll(async () => {
  await dispose?.()
  if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Exit.void))
})

describe.skipIf(!reachable && !inCi)("a cold start while the database is down", () => {
  it("answers 503 and throws from triggers while it is down, then recovers once it is back", async () => {
    await Effect.runPromise(proxy.cut)
    const down = await Promise.all([
      handlers.http(request({ method: "GET", path: "/health" }), invocation("http")),
      handlers.http(request({ method: "GET", path: "/ready" }), invocation("http"))
    ])
    expect(down).toMatchObject([{ status: 503 }, { status: 503 }])
    const event: BrokerMessage = { id: "cold-1", key: "user-cold", eventType: "UserMessageReceivedEvent", body: "{}" }
    // Thrown: the host abandons the message and Service Bus delivers it again.
    await expect(handlers.consumer("conversation")(event.body, invocation("conversation", serviceBusMetadata(event)))).rejects.toThrow(
      /conversation will retry message cold-1/
    )

    await Effect.runPromise(proxy.restore)
    expect(await handlers.http(request({ method: "GET", path: "/health" }), invocation("http"))).toMatchObject({ status: 200 })
    expect(await handlers.http(request({ method: "GET", path: "/ready" }), invocation("http"))).toMatchObject({ status: 200 })
  })
})
