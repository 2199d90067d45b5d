import { describe, expect, it } from "@effect/vitest"
import { Deferred, Duration, Effect } from "effect"
import { consumeDeliveries } from "../../adapters/postgres/broker/consumeDeliveries.js"
import { claimHeads, type Claim, type DeliveryStatements } from "../../adapters/postgres/broker/DeliveryStatements.js"
import { makeWakeup } from "../../application/events/Wakeup.js"
import { retryDelay } from "../../application/events/retryDelay.js"

const front: Claim = {
  subscription: "conversation",
  message: { id: "m1", key: "user-1", eventType: "UserMessageReceivedEvent", body: "{}" },
  attempts: 1,
  token: "00000000-0000-0000-0000-000000000001"
}

/**
 * The queue's statements with one due message at its front, and a look beyond the front that
 * does not answer until `beyondAnswers` (as a slow skip scan over many keys).
 */
const statementsWithSlowLookBeyond = (beyondAnswers: Deferred.Deferred<void>) => {
  let given = false
  // Never the whole queue, as far as the consumer can tell: it must look beyond.
  const claimFront = () =>
    Effect.sync(() => {
      const claims: ReadonlyArray<Claim> = given ? [] : [front]
      given = true
      return { claims, wholeQueue: false }
    })
  const claimBeyond = () => Effect.as(Deferred.await(beyondAnswers), { claims: [], cursor: "" })
  return {
    claimFront,
    claimBeyond,
    insert: () => Effect.void,
    renew: () => Effect.void,
    complete: () => Effect.void,
    retryAfter: () => Effect.void,
    deadLetter: () => Effect.void,
    release: () => Effect.void,
    deadLetters: () => Effect.succeed([]),
    replay: () => Effect.succeed(false),
    forgetKey: () => Effect.void,
    purgeDone: () => Effect.void
  } satisfies DeliveryStatements
}

describe("claiming the heads of the queue", () => {
  it.effect("does not look beyond the front when the front held the whole queue", () =>
    Effect.gen(function* () {
      const claimed = yield* claimHeads(
        {
          claimFront: () => Effect.succeed({ claims: [front], wholeQueue: true }),
          claimBeyond: () => Effect.dieMessage("looked beyond a front that held the whole queue")
        },
        "conversation",
        16,
        "30 seconds",
        "user-0"
      )
      expect(claimed).toEqual({ claims: [front], cursor: "user-0" })
    }))
})

describe("a Postgres broker consumer", () => {
  it.live("hands the message at the front of the queue to its handler before the look beyond the front answers", () =>
    Effect.gen(function* () {
      const beyondAnswers = yield* Deferred.make<void>()
      const handled = yield* Deferred.make<string>()
      const signal = yield* makeWakeup
      yield* consumeDeliveries(
        statementsWithSlowLookBeyond(beyondAnswers),
        {
          maxDeliveries: 20,
          lease: Duration.seconds(30),
          pollInterval: Duration.hours(1),
          concurrency: 16,
          redeliveryDelay: retryDelay,
          duplicateDetectionWindow: Duration.minutes(10)
        },
        "conversation",
        (message) => Deferred.succeed(handled, message.id),
        signal
      )
      const first = yield* Deferred.await(handled).pipe(
        Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("the front's message waited for the look beyond the front") })
      )
      expect(first).toBe("m1")
      yield* Deferred.succeed(beyondAnswers, undefined)
    }).pipe(Effect.scoped))
})
