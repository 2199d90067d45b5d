import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Ref, Schedule } from "effect"
import type { Layer, Scope } from "effect"
import {
  BrokerUnavailable,
  EventBroker,
  PermanentFailure,
  RetryableFailure,
  type BrokerMessage,
  type Subscription
} from "../../application/ports/EventBroker.js"

export interface BrokerTopology {
  readonly subscriptions: ReadonlyArray<Subscription>
  readonly maxDeliveries: number
}

/** The topology every broker under test is built with. */
export const suiteTopology: BrokerTopology = {
  subscriptions: [
    { name: "conversation", eventTypes: ["UserMessageReceivedEvent", "ImageProcessedEvent"] },
    { name: "images", eventTypes: ["PhotoReceivedEvent"] }
  ],
  maxDeliveries: 3
}

let sequence = 0
const message = (key: string, eventType = "UserMessageReceivedEvent"): BrokerMessage => {
  sequence += 1
  const id = `msg-${Date.now()}-${sequence}`
  return { id, key, eventType, body: JSON.stringify({ id }) }
}

/** Polls `effect` until its value satisfies `done`, and returns that value. */
const pollUntil = <A, E, R>(effect: Effect.Effect<A, E, R>, done: (value: A) => boolean) =>
  effect.pipe(
    Effect.filterOrFail(done, () => new Error("not yet")),
    Effect.retry({ schedule: Schedule.spaced("5 millis"), times: 1000 })
  )

const waitUntil = <A>(ref: Ref.Ref<A>, done: (value: A) => boolean) => pollUntil(Ref.get(ref), done)

/**
 * The guarantees every EventBroker adapter must keep. `makeLayer` builds a fresh broker with the
 * given topology for each test.
 */
export const eventBrokerSuite = <E>(name: string, makeLayer: (topology: BrokerTopology) => Layer.Layer<EventBroker, E>) =>
  describe(`EventBroker contract: ${name}`, () => {
    const run = <A, E2>(body: Effect.Effect<A, E2, EventBroker | Scope.Scope>) =>
      Effect.scoped(body).pipe(Effect.provide(makeLayer(suiteTopology)))

    it.live("delivers each message to the subscriptions that want its type, once per id", () =>
      run(
        Effect.gen(function* () {
          const broker = yield* EventBroker
          const conversation = yield* Ref.make<ReadonlyArray<string>>([])
          const images = yield* Ref.make<ReadonlyArray<string>>([])
          const text = message("user-a")
          const photo = message("user-a", "PhotoReceivedEvent")
          yield* broker.publish([text, photo, text])
          yield* broker.publish([text])
          yield* broker.consume("conversation", (m) => Ref.update(conversation, (ids) => [...ids, m.id]))
          yield* broker.consume("images", (m) => Ref.update(images, (ids) => [...ids, m.id]))
          yield* waitUntil(images, (ids) => ids.length >= 1)
          yield* waitUntil(conversation, (ids) => ids.length >= 1)
          yield* Effect.sleep("100 millis")
          expect(yield* Ref.get(conversation)).toEqual([text.id])
          expect(yield* Ref.get(images)).toEqual([photo.id])
        })
      ))

    it.live("keeps one key's messages in order and one at a time, while other keys go on", () =>
      run(
        Effect.gen(function* () {
          const broker = yield* EventBroker
          const seen = yield* Ref.make<ReadonlyArray<string>>([])
          const inFlight = yield* Ref.make(new Map<string, number>())
          const overlap = yield* Ref.make(false)
          const slowKeyStarted = yield* Deferred.make<void>()
          const fastKeyDone = yield* Deferred.make<void>()
          const slow = Array.from({ length: 5 }, () => message("slow-user"))
          const fast = message("fast-user")
          yield* broker.consume("conversation", (m) =>
            Effect.gen(function* () {
              const before = (yield* Ref.get(inFlight)).get(m.key) ?? 0
              if (before > 0) yield* Ref.set(overlap, true)
              yield* Ref.update(inFlight, (map) => new Map(map).set(m.key, before + 1))
              if (m.key === "slow-user") {
                yield* Deferred.succeed(slowKeyStarted, undefined)
                yield* Deferred.await(fastKeyDone)
                yield* Effect.sleep("5 millis")
              } else {
                yield* Deferred.succeed(fastKeyDone, undefined)
              }
              yield* Ref.update(inFlight, (map) => new Map(map).set(m.key, ((map.get(m.key) ?? 1) - 1)))
              yield* Ref.update(seen, (ids) => [...ids, m.id])
            })
          )
          yield* broker.publish(slow)
          yield* Deferred.await(slowKeyStarted)
          yield* broker.publish([fast])
          yield* waitUntil(seen, (ids) => ids.length === 6)
          const order = yield* Ref.get(seen)
          expect(order.filter((id) => id !== fast.id)).toEqual(slow.map((m) => m.id))
          // The fast user's message finished while the slow user's first one was still being handled.
          expect(order.indexOf(fast.id)).toBe(0)
          expect(yield* Ref.get(overlap)).toBe(false)
        })
      ))

    it.live("redelivers after a retryable failure", () =>
      run(
        Effect.gen(function* () {
          const broker = yield* EventBroker
          const attempts = yield* Ref.make(0)
          const handled = yield* Ref.make(0)
          yield* broker.consume("conversation", () =>
            Ref.updateAndGet(attempts, (n) => n + 1).pipe(
              Effect.flatMap((n) =>
                n < 2 ? Effect.fail(new RetryableFailure({ reason: "not yet" })) : Ref.update(handled, (h) => h + 1)
              )
            )
          )
          yield* broker.publish([message("retry-user")])
          yield* waitUntil(handled, (n) => n === 1)
          expect(yield* Ref.get(attempts)).toBe(2)
          expect(yield* broker.deadLetters("conversation")).toEqual([])
        })
      ))

    it.live("dead-letters after the delivery limit, and a replayed dead letter is delivered again", () =>
      run(
        Effect.gen(function* () {
          const broker = yield* EventBroker
          const failing = yield* Ref.make(true)
          const attempts = yield* Ref.make(0)
          const handled = yield* Ref.make(0)
          yield* broker.consume("conversation", () =>
            Effect.gen(function* () {
              yield* Ref.update(attempts, (n) => n + 1)
              if (yield* Ref.get(failing)) return yield* new RetryableFailure({ reason: "down" })
              yield* Ref.update(handled, (n) => n + 1)
            })
          )
          const poisoned = message("dlq-user")
          const next = message("dlq-user")
          yield* broker.publish([poisoned, next])
          const letters = yield* pollUntil(broker.deadLetters("conversation"), (l) => l.length === 2)
          expect(letters.map((l) => l.message.id)).toEqual([poisoned.id, next.id])
          expect(letters[0]!.deliveries).toBe(suiteTopology.maxDeliveries)
          expect(letters[0]!.reason).toContain("down")
          expect(yield* Ref.get(attempts)).toBe(2 * suiteTopology.maxDeliveries)

          yield* Ref.set(failing, false)
          expect(yield* broker.replayDeadLetter("conversation", poisoned.id)).toBe(true)
          expect(yield* broker.replayDeadLetter("conversation", "no-such-id")).toBe(false)
          yield* waitUntil(handled, (n) => n === 1)
          expect((yield* broker.deadLetters("conversation")).map((l) => l.message.id)).toEqual([next.id])
        })
      ))

    it.live("dead-letters a permanent failure at once", () =>
      run(
        Effect.gen(function* () {
          const broker = yield* EventBroker
          const attempts = yield* Ref.make(0)
          yield* broker.consume("images", () =>
            Ref.update(attempts, (n) => n + 1).pipe(
              Effect.zipRight(Effect.fail(new PermanentFailure({ reason: "not an image" })))
            )
          )
          yield* broker.publish([message("perm-user", "PhotoReceivedEvent")])
          const letters = yield* pollUntil(broker.deadLetters("images"), (l) => l.length === 1)
          expect(letters[0]!.deliveries).toBe(1)
          expect(letters[0]!.reason).toBe("not an image")
          expect(yield* Ref.get(attempts)).toBe(1)
        })
      ))

    it.live("holds a key's later messages back while its earlier one waits for a redelivery", () =>
      run(
        Effect.gen(function* () {
          const broker = yield* EventBroker
          const seen = yield* Ref.make<ReadonlyArray<string>>([])
          const first = message("held-user")
          const second = message("held-user")
          yield* broker.consume("conversation", (m) =>
            Ref.modify(seen, (ids) => [ids.length, [...ids, m.id]]).pipe(
              Effect.flatMap((before) =>
                before === 0 ? Effect.fail(new RetryableFailure({ reason: "first try fails" })) : Effect.void
              )
            )
          )
          yield* broker.publish([first, second])
          yield* waitUntil(seen, (ids) => ids.length === 3)
          expect(yield* Ref.get(seen)).toEqual([first.id, first.id, second.id])
        })
      ))

    it.live("does not let a dead letter hold its key back; a replayed one is delivered after", () =>
      run(
        Effect.gen(function* () {
          const broker = yield* EventBroker
          const handled = yield* Ref.make<ReadonlyArray<string>>([])
          const poisoned = message("unblocked-user")
          const later = message("unblocked-user")
          const refusing = yield* Ref.make(true)
          yield* broker.consume("conversation", (m) =>
            Effect.gen(function* () {
              if (m.id === poisoned.id && (yield* Ref.get(refusing))) {
                return yield* new PermanentFailure({ reason: "refused" })
              }
              yield* Ref.update(handled, (ids) => [...ids, m.id])
            })
          )
          yield* broker.publish([poisoned, later])
          yield* waitUntil(handled, (ids) => ids.length === 1)
          expect(yield* Ref.get(handled)).toEqual([later.id])
          expect((yield* broker.deadLetters("conversation")).map((l) => l.message.id)).toEqual([poisoned.id])

          yield* Ref.set(refusing, false)
          expect(yield* broker.replayDeadLetter("conversation", poisoned.id)).toBe(true)
          yield* waitUntil(handled, (ids) => ids.length === 2)
          expect(yield* Ref.get(handled)).toEqual([later.id, poisoned.id])
          expect(yield* broker.deadLetters("conversation")).toEqual([])
          expect(yield* broker.replayDeadLetter("conversation", poisoned.id)).toBe(false)
        })
      ))

    it.live("forgets a key's dead letters in every subscription, and keeps other keys'", () =>
      run(
        Effect.gen(function* () {
          const broker = yield* EventBroker
          const erased = [message("erased-user"), message("erased-user", "PhotoReceivedEvent")]
          const kept = message("kept-user")
          const refuse = () => new PermanentFailure({ reason: "refused" })
          yield* broker.consume("conversation", () => Effect.fail(refuse()))
          yield* broker.consume("images", () => Effect.fail(refuse()))
          yield* broker.publish([...erased, kept])
          yield* pollUntil(broker.deadLetters("conversation"), (l) => l.length === 2)
          yield* pollUntil(broker.deadLetters("images"), (l) => l.length === 1)

          yield* broker.forgetKey("erased-user")
          expect((yield* broker.deadLetters("conversation")).map((l) => l.message.id)).toEqual([kept.id])
          expect(yield* broker.deadLetters("images")).toEqual([])
          // Forgetting a key with nothing left is harmless.
          yield* broker.forgetKey("erased-user")
          expect((yield* broker.deadLetters("conversation")).map((l) => l.message.id)).toEqual([kept.id])
        })
      ))

    it.live("does not deliver again a message id published after it was handled", () =>
      run(
        Effect.gen(function* () {
          const broker = yield* EventBroker
          const handled = yield* Ref.make<ReadonlyArray<string>>([])
          const once = message("republished-user")
          const after = message("republished-user")
          yield* broker.consume("conversation", (m) => Ref.update(handled, (ids) => [...ids, m.id]))
          yield* broker.publish([once])
          yield* waitUntil(handled, (ids) => ids.length === 1)
          yield* broker.publish([once, after])
          // The key's next message comes after any redelivery of the first would have.
          yield* waitUntil(handled, (ids) => ids.includes(after.id))
          expect(yield* Ref.get(handled)).toEqual([once.id, after.id])
        })
      ))

    it.live("refuses a subscription it does not have", () =>
      run(
        Effect.gen(function* () {
          const broker = yield* EventBroker
          expect(yield* Effect.flip(broker.consume("no-such-subscription", () => Effect.void))).toBeInstanceOf(BrokerUnavailable)
          expect(yield* Effect.flip(broker.deadLetters("no-such-subscription"))).toBeInstanceOf(BrokerUnavailable)
        })
      ))

    it.live("keeps a message whose delivery was interrupted, for the next consumer", () =>
      Effect.gen(function* () {
        const broker = yield* EventBroker
        const started = yield* Deferred.make<void>()
        const pending = message("interrupted-user")
        yield* Effect.scoped(
          Effect.gen(function* () {
            yield* broker.consume("conversation", () =>
              Deferred.succeed(started, undefined).pipe(Effect.zipRight(Effect.never))
            )
            yield* broker.publish([pending])
            yield* Deferred.await(started)
          })
        )
        const handled = yield* Ref.make<ReadonlyArray<string>>([])
        yield* Effect.scoped(
          Effect.gen(function* () {
            yield* broker.consume("conversation", (m) => Ref.update(handled, (ids) => [...ids, m.id]))
            yield* waitUntil(handled, (ids) => ids.length === 1)
          })
        )
        expect(yield* Ref.get(handled)).toEqual([pending.id])
      }).pipe(Effect.provide(makeLayer(suiteTopology))))
  })
