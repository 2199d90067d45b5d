import type { Timer } from "@azure/functions"
import { Duration, Effect, Exit, Layer, Option, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { BrokerMessage } from "../../application/ports/EventBroker.js"
import { InboundMessages } from "../../application/ports/InboundMessages.js"
import { Packs } from "../../application/ports/Packs.js"
import { Users } from "../../application/ports/Users.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import {
  makeFunctionHandlers,
  type FunctionHandlers,
  type FunctionsBotServices
} from "../../runtimes/azure-functions/FunctionHandlers.js"
import { makeProcessRuntime, type ProcessRuntime } from "../../runtimes/azure-functions/ProcessRuntime.js"
import { makeFakeGraphApi, type FakeGraphApi } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { metaJson, metaSignature } from "../../testing/fakes/graph-api/metaJson.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"
import { bodyText, invocation, recordingLogger, request, serviceBusMetadata, testBot, verifyToken } from "./support.js"
import { AttentionItems } from "../../application/ports/AttentionItems.js"
import { FailedEvents } from "../../application/ports/FailedEvents.js"

const reachable = await isReachable()

const published: Array<BrokerMessage> = []
const logs: Array<string> = []
let scope: Scope.CloseableScope
let graph: FakeGraphApi
let runtime: ProcessRuntime<FunctionsBotServices, unknown>
let handlers: FunctionHandlers

const timer: Timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: "", next: "", lastUpdated: "" } }

/** A person's text as Meta posts it: serialized as Meta does, signed with the app secret. */
const signedText = (waId: string, text: string) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* graph.addUser({ waId, userId: `US.${waId}`, name: "Ana" })
      const { envelope, wamids } = yield* graph.envelopeOf([{ who: waId, message: { type: "text", text: { body: text } } }], "messages")
      const body = metaJson(envelope)
      return { body, signature: metaSignature(graph.appSecret, body), wamid: wamids[0]! }
    })
  )

const run = <A, E>(effect: Effect.Effect<A, E, FunctionsBotServices>) =>
  runtime.runExit(effect).then((exit) => (Exit.isSuccess(exit) ? exit.value : Promise.reject(new Error(String(exit.cause)))))

const receivedBy = (waId: string) => Effect.runPromise(graph.received(waId))

beforeAll(async () => {
  if (!reachable) return
  scope = Effect.runSync(Scope.make())
  graph = await Effect.runPromise(Scope.extend(makeFakeGraphApi({ customerServiceWindow: "off" }), scope))
  runtime = makeProcessRuntime(
    testBot({ storage: PgStorage.pipe(Layer.provide(freshSchema("azure_functions"))), graph, published }).pipe(
      Layer.provide(recordingLogger(logs))
    )
  )
  handlers = makeFunctionHandlers(runtime, { redeliveryDelay: () => Duration.zero })
})

afterAll(async () => {
  await runtime?.dispose()
  if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Exit.void))
})

describe.skipIf(!reachable && !inCi)("the Azure Functions handlers on Postgres", () => {
  it("answers /health, /ready and /docs at the same paths as the standalone server", async () => {
    const health = await handlers.http(request({ method: "GET", path: "/health" }), invocation("http"))
    expect(health).toMatchObject({ status: 200 })
    expect(JSON.parse(bodyText(health))).toMatchObject({ status: "ok" })
    const ready = await handlers.http(request({ method: "GET", path: "/ready" }), invocation("http"))
    expect(ready).toMatchObject({ status: 200 })
    const openApi = await handlers.http(request({ method: "GET", path: "/docs/openapi.json" }), invocation("http"))
    expect(bodyText(openApi)).toContain("/SmsReceived")
    const missing = await handlers.http(request({ method: "GET", path: "/nowhere" }), invocation("http"))
    expect(missing).toMatchObject({ status: 404 })
  })

  it("answers Meta's verification handshake", async () => {
    const query = new URLSearchParams({ "hub.mode": "subscribe", "hub.verify_token": verifyToken, "hub.challenge": "1158201444" })
    const response = await handlers.http(request({ method: "GET", path: `/SmsReceived?${query.toString()}` }), invocation("http"))
    expect(response).toMatchObject({ status: 200 })
    expect(bodyText(response)).toBe("1158201444")
    // Logged by path, tagged with the invocation; the token in the query string never reaches the logs.
    const line = logs.find((candidate) => candidate.includes("http.path=/SmsReceived"))
    expect(line).toMatch(/requestId=test-\d+/)
    expect(logs.some((candidate) => candidate.includes(verifyToken))).toBe(false)
  })

  it("refuses a webhook whose signature is wrong, storing nothing", async () => {
    const { body } = await signedText("16505550102", "forged")
    const before = published.length
    const response = await handlers.http(
      request({ method: "POST", path: "/SmsReceived", body, headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${"0".repeat(64)}` } }),
      invocation("http")
    )
    expect(response).toMatchObject({ status: 401 })
    expect(published.length).toBe(before)
  })

  it("stores a signed webhook's message, relays its event within the invocation, and the topic trigger answers the person", async () => {
    const waId = "16505550101"
    const { body, signature } = await signedText(waId, "hi")
    const response = await handlers.http(
      request({ method: "POST", path: "/SmsReceived", body, headers: { "content-type": "application/json", "x-hub-signature-256": signature } }),
      invocation("http")
    )
    expect(response).toMatchObject({ status: 200 })

    // Relayed before the invocation ended: no worker runs between invocations.
    const event = published.find((message) => message.eventType === "UserMessageReceivedEvent")
    expect(event).toBeDefined()
    // A first message: keyed by the sender, whose number stays out of the broker's metadata.
    expect(event!.key).not.toContain(waId)

    // Service Bus hands the event to the conversation subscription's trigger; the reply goes out in the same invocation.
    await handlers.consumer("conversation")(JSON.parse(event!.body), invocation("conversation", serviceBusMetadata(event!)))
    const replies = await receivedBy(waId)
    expect(replies.length).toBeGreaterThan(0)
    // The conversation made them a user, and the message theirs.
    const users = await run(Effect.flatMap(Users, (port) => port.list({ limit: 1000, offset: 0 })))
    const user = users.find((candidate) => Option.contains(candidate.waId, waId))
    expect(user).toBeDefined()
    expect(await run(Effect.flatMap(InboundMessages, (inbound) => inbound.countForUser(user!.id)))).toBe(1)

    // Delivered again (at least once): handled once.
    await handlers.consumer("conversation")(event!.body, invocation("conversation", serviceBusMetadata(event!, 2)))
    expect((await receivedBy(waId)).length).toBe(replies.length)
  })

  it("records and completes a message that can never be handled, and drops one it cannot read", async () => {
    const bogus: BrokerMessage = { id: "bogus-1", key: "user-x", eventType: "NoSuchEvent", body: "{}" }
    await expect(handlers.consumer("conversation")(bogus.body, invocation("conversation", serviceBusMetadata(bogus)))).resolves.toBeUndefined()
    // Delivered again, it is recorded once.
    await handlers.consumer("conversation")(bogus.body, invocation("conversation", serviceBusMetadata(bogus, 2)))
    const failed = await run(Effect.flatMap(FailedEvents, (port) => port.list))
    expect(failed.filter((event) => event.messageId === "bogus-1")).toMatchObject([
      { consumer: "conversation", eventType: "NoSuchEvent", key: "user-x", body: "{}" }
    ])
    await expect(handlers.consumer("images")("{}", invocation("images", { sessionId: "no message id" }))).resolves.toBeUndefined()
  })

  it("runs the operations watch: an event recorded as failed opens one dead-letters item for support", async () => {
    const bogus: BrokerMessage = { id: "bogus-watch", key: "user-w", eventType: "NoSuchEvent", body: "{}" }
    await handlers.consumer("conversation")(bogus.body, invocation("conversation", serviceBusMetadata(bogus)))
    await expect(Promise.resolve(handlers.operations(timer, invocation("operations-watch")))).resolves.toBeUndefined()
    await handlers.operations(timer, invocation("operations-watch"))
    const open = await run(Effect.flatMap(AttentionItems, (items) => items.list({ state: "open", limit: 100, offset: 0 })))
    expect(open.filter((item) => item.reason === "DeadLetters")).toHaveLength(1)
  })

  it("runs the timers: relay sweep, reconciler, maintenance, catalogue sync with the new packs' previews", async () => {
    await expect(Promise.resolve(handlers.catalogue(timer, invocation("catalogue-sync")))).resolves.toBeUndefined()
    const packs = await run(Effect.flatMap(Packs, (port) => port.list))
    expect(packs.length).toBeGreaterThan(0)
    expect(packs.some((pack) => Object.keys(pack.previews).length > 0)).toBe(true)
    await expect(Promise.resolve(handlers.relay(timer, invocation("outbox-relay")))).resolves.toBeUndefined()
    await expect(Promise.resolve(handlers.reconciler(timer, invocation("reconciler")))).resolves.toBeUndefined()
    await expect(Promise.resolve(handlers.maintenance(timer, invocation("maintenance")))).resolves.toBeUndefined()
  })
})
