import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Ref, Schedule } from "effect"
import { InMemoryEventBroker, makeInMemoryEventBroker } from "../../adapters/memory/InMemoryEventBroker.js"
import type { BrokerMessage } from "../../application/ports/EventBroker.js"
import { eventBrokerSuite } from "../../testing/port-suites/EventBrokerSuite.js"

eventBrokerSuite("in memory", (topology) =>
  InMemoryEventBroker.layer({ ...topology, redeliveryDelay: "5 millis" })
)

describe("In-memory event broker", () => {
  const message = (key: string, id: string): BrokerMessage => ({ id, key, eventType: "UserMessageReceivedEvent", body: "{}" })

  it.scopedLive("forgets a key's queued messages; the one under way finishes, and the key's later ones are delivered", () =>
    Effect.gen(function* () {
      const broker = yield* makeInMemoryEventBroker({
        subscriptions: [{ name: "conversation", eventTypes: ["UserMessageReceivedEvent"] }]
      })
      const started = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const handled = yield* Ref.make<ReadonlyArray<string>>([])
      yield* broker.consume("conversation", (m) =>
        Effect.gen(function* () {
          if (m.id === "a1") yield* Deferred.succeed(started, undefined).pipe(Effect.zipRight(Deferred.await(release)))
          yield* Ref.update(handled, (ids) => [...ids, m.id])
        })
      )
      yield* broker.publish([message("a", "a1"), message("a", "a2"), message("b", "b1")])
      yield* Deferred.await(started)
      yield* broker.forgetKey("a")
      yield* Deferred.succeed(release, undefined)
      // The key's next message comes after a2 would have, had it stayed.
      yield* broker.publish([message("a", "a3")])
      yield* Ref.get(handled).pipe(
        Effect.repeat({ until: (ids) => ids.includes("a3") && ids.includes("b1"), schedule: Schedule.spaced("5 millis") })
      )
      expect((yield* Ref.get(handled)).filter((id) => id.startsWith("a"))).toEqual(["a1", "a3"])
    }))
})
