import { Effect, Layer, Schedule } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as InMemoryAstria from "../../adapters/memory/InMemoryAstria.js"
import { InMemoryEventBroker } from "../../adapters/memory/InMemoryEventBroker.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { EventBroker, PermanentFailure } from "../../application/ports/EventBroker.js"
import type { CliEnvironment } from "../../runtimes/cli/CliEnvironment.js"
import { NoPaymentProvider } from "../../runtimes/cli/CliErrors.js"
import { SchemaMigrations } from "../../runtimes/cli/SchemaMigrations.js"
import { buildShared, runCli, type Shared } from "./support/runCli.js"
import { previewsInMemory } from "./support/previewsEnvironment.js"

/** A consumer that refuses every message until its cause is "fixed", as after a deploy. */
let fixed = false
const handled: Array<string> = []

const brokerWithConsumer = Layer.scopedDiscard(
  Effect.flatMap(EventBroker, (broker) =>
    broker.consume("conversation", (message) =>
      fixed ? Effect.sync(() => void handled.push(message.id)) : Effect.fail(new PermanentFailure({ reason: "no handler for TestEvent" }))
    )
  )
).pipe(Layer.provideMerge(InMemoryEventBroker.layer({ subscriptions: [{ name: "conversation", eventTypes: ["TestEvent"] }] })))

let broker: Shared<EventBroker>
let environment: CliEnvironment<NoPaymentProvider>

beforeAll(async () => {
  broker = await buildShared(brokerWithConsumer)
  environment = {
    storage: InMemoryStorage,
    migrations: SchemaMigrations.none,
    astria: InMemoryAstria.layer(),
    previews: previewsInMemory,
    broker: broker.layer,
    payments: Layer.fail(new NoPaymentProvider())
  }
})
afterAll(() => broker.close())

const deadLetterCount = Effect.flatMap(EventBroker, (port) => Effect.map(port.deadLetters("conversation"), (letters) => letters.length))

describe("dead letters on a shared broker", () => {
  it("lists a subscription's dead letters and replays one once its cause is fixed", async () => {
    await broker.run(
      Effect.flatMap(EventBroker, (port) =>
        port.publish([{ id: "message-1", key: "user-1", eventType: "TestEvent", body: "{}" }])
      ).pipe(Effect.zipRight(deadLetterCount.pipe(Effect.repeat({ until: (count) => count > 0, schedule: Schedule.spaced("5 millis") }))))
    )

    const list = await runCli(environment, ["dead-letters", "list", "conversation"])
    expect(list.exitCode).toBe(0)
    expect(list.stdout).toMatch(/message-1\s+TestEvent\s+user-1\s+1\s+no handler for TestEvent/)
    expect(JSON.parse((await runCli(environment, ["dead-letters", "list", "conversation", "--json"])).stdout)).toEqual([
      { id: "message-1", eventType: "TestEvent", key: "user-1", deliveries: 1, reason: "no handler for TestEvent" }
    ])

    fixed = true
    expect(await runCli(environment, ["dead-letters", "replay", "conversation", "message-1"])).toMatchObject({
      exitCode: 0,
      stdout: "Replayed message-1 to conversation."
    })
    await broker.run(Effect.sleep("50 millis"))
    expect(handled).toEqual(["message-1"])
    expect((await runCli(environment, ["dead-letters", "list", "conversation"])).stdout).toBe("No dead letters in conversation.")
  })

  it("says so for an unknown dead letter or subscription, with exit code 1", async () => {
    expect(await runCli(environment, ["dead-letters", "replay", "conversation", "nope"])).toMatchObject({
      exitCode: 1,
      stderr: "No dead letter nope in subscription conversation"
    })
    const unknown = await runCli(environment, ["dead-letters", "list", "nowhere"])
    expect(unknown).toMatchObject({ exitCode: 1, stderr: "Event broker: no subscription named nowhere" })
  })
})
