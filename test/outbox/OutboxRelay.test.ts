import { randomUUID } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Ref, TestClock } from "effect"
import { handedOverLease, OutboxWakeup } from "../../application/events/Wakeup.js"
import { relayOutboxBatch, runOutboxRelay } from "../../application/outbox/OutboxRelay.js"
import { BrokerUnavailable, EventBroker, MessagesRefused, type BrokerMessage } from "../../application/ports/EventBroker.js"
import { FailedEvents } from "../../application/ports/FailedEvents.js"
import { Outbox, type NewOutboxEvent } from "../../application/ports/Outbox.js"
import { StorageUnavailable } from "../../application/ports/StorageUnavailable.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"

/** A broker that records what it is given, refusing the first `refusals` publications. */
const recordingBroker = (refusals: number) => {
  const published: Array<BrokerMessage> = []
  let refused = 0
  const layer = Layer.succeed(
    EventBroker,
    EventBroker.of({
      publish: (messages) =>
        refused < refusals
          ? Effect.suspend(() => {
              refused += 1
              return Effect.fail(new BrokerUnavailable({ reason: "the broker is down" }))
            })
          : Effect.sync(() => void published.push(...messages)),
      consume: () => Effect.void,
      deadLetters: () => Effect.succeed([]),
      replayDeadLetter: () => Effect.succeed(false),
      forgetKey: () => Effect.void
    })
  )
  return { published, layer }
}

/** The relay's world on one in-memory database, counting the claims it makes. */
const world = (refusals = 0) => {
  const broker = recordingBroker(refusals)
  const claims = { count: 0 }
  const countingClaims = Layer.effect(
    Outbox,
    Effect.map(Outbox, (outbox) =>
      Outbox.of({
        ...outbox,
        claim: (limit, now, lease) => Effect.suspend(() => {
          claims.count += 1
          return outbox.claim(limit, now, lease)
        })
      })
    )
  ).pipe(Layer.provideMerge(InMemoryStorage))
  return { published: broker.published, claims, layer: Layer.mergeAll(countingClaims, broker.layer, OutboxWakeup.layer) }
}

/** Events as a webhook writes them: held from other relays for the lease, since it hands them over. */
const written = (count: number, createdAt: Date): ReadonlyArray<NewOutboxEvent> =>
  Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    eventType: "UserMessageReceivedEvent",
    key: `user-${index % 3}`,
    body: JSON.stringify({ index }),
    createdAt,
    availableAt: new Date(createdAt.getTime() + Duration.toMillis(handedOverLease))
  }))

const writeAndHandOver = (events: ReadonlyArray<NewOutboxEvent>) =>
  Effect.gen(function* () {
    yield* Effect.flatMap(Outbox, (outbox) => outbox.add(events))
    yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.handOver(events))
  })

/**
 * The Postgres broker's case: the outbox and the queue are one database, which goes down just
 * after the relay claimed a batch; while it is down every write fails, the publication included.
 */
const downAfterClaim = Effect.gen(function* () {
  const down = yield* Ref.make(false)
  const armed = yield* Ref.make(true)
  const published: Array<BrokerMessage> = []
  const unlessDown = <A, E>(effect: Effect.Effect<A, E>, failure: E) =>
    Effect.flatMap(Ref.get(down), (isDown) => (isDown ? Effect.fail(failure) : effect))
  const unavailable = new StorageUnavailable({ reason: "Connection terminated unexpectedly" })
  const layer = Layer.mergeAll(
    Layer.effect(
      Outbox,
      Effect.map(Outbox, (outbox) =>
        Outbox.of({
          ...outbox,
          claim: (limit, now, lease) =>
            unlessDown(outbox.claim(limit, now, lease), unavailable).pipe(
              Effect.tap((claimed) => (claimed.length > 0 ? Effect.flatMap(Ref.getAndSet(armed, false), (crash) => Ref.set(down, crash)) : Effect.void))
            ),
          markPublished: (ids, now) => unlessDown(outbox.markPublished(ids, now), unavailable),
          retryAt: (ids, at, reason) => unlessDown(outbox.retryAt(ids, at, reason), unavailable)
        })
      )
    ),
    Layer.succeed(
      EventBroker,
      EventBroker.of({
        publish: (messages) =>
          unlessDown(Effect.sync(() => void published.push(...messages)), new BrokerUnavailable({ reason: "Connection terminated unexpectedly" })),
        consume: () => Effect.void,
        deadLetters: () => Effect.succeed([]),
        replayDeadLetter: () => Effect.succeed(false),
        forgetKey: () => Effect.void
      })
    ),
    OutboxWakeup.layer
  ).pipe(Layer.provideMerge(InMemoryStorage))
  return { published, comeBack: Ref.set(down, false), layer }
})

describe("outbox relay", () => {
  it.live("publishes what writers hand over as it comes, without claiming it, and marks it published", () => {
    const { published, claims, layer } = world()
    return Effect.gen(function* () {
      const relay = yield* Effect.fork(runOutboxRelay({ batchSize: 4, lease: "30 seconds", pollInterval: "1 minute", gather: "1 millis" }))
      const batches = [written(3, new Date()), written(5, new Date()), written(1, new Date())]
      for (const batch of batches) {
        yield* writeAndHandOver(batch)
        yield* Effect.sleep("5 millis")
      }
      const all = batches.flat()
      yield* Effect.sleep("10 millis").pipe(Effect.repeat({ until: () => published.length >= all.length, times: 200 }))
      expect(published.map((message) => message.id)).toEqual(all.map((event) => event.id))
      expect(yield* Effect.flatMap(Outbox, (outbox) => outbox.stats)).toMatchObject({ pending: 0, published: all.length })
      // The one search when the relay started; handed-over events needed none.
      expect(claims.count).toBe(1)
      // A writer that only notifies (it did not hand its events over) makes the relay search.
      yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.notify)
      yield* Effect.sleep("10 millis").pipe(Effect.repeat({ until: () => claims.count === 2, times: 200 }))
      expect(claims.count).toBe(2)
      yield* Fiber.interrupt(relay)
    }).pipe(Effect.provide(layer))
  })

  it.effect("leaves events the broker refused in the outbox, where a later claim publishes them", () => {
    const { published, layer } = world(1)
    return Effect.gen(function* () {
      const events = written(2, new Date(0))
      yield* writeAndHandOver(events)
      expect(yield* relayOutboxBatch(10, "30 seconds")).toBe(0)
      expect(published).toEqual([])
      yield* TestClock.adjust("2 seconds")
      expect(yield* relayOutboxBatch(10, "30 seconds")).toBe(2)
      expect(published.map((message) => message.id)).toEqual(events.map((event) => event.id))
      expect(yield* Effect.flatMap(Outbox, (outbox) => outbox.stats)).toMatchObject({ pending: 0 })
    }).pipe(Effect.provide(layer))
  })

  it.effect("sets aside an event the broker refuses for good (too large), and publishes the rest of its batch once", () => {
    const events = written(3, new Date(0))
    const tooLarge = events[1]!
    const published: Array<BrokerMessage> = []
    const refusingOne = Layer.succeed(
      EventBroker,
      EventBroker.of({
        publish: (messages) =>
          Effect.suspend(() => {
            published.push(...messages.filter((message) => message.id !== tooLarge.id))
            return messages.some((message) => message.id === tooLarge.id)
              ? Effect.fail(new MessagesRefused({ refused: [{ id: tooLarge.id, reason: "message size exceeded" }] }))
              : Effect.void
          }),
        consume: () => Effect.void,
        deadLetters: () => Effect.succeed([]),
        replayDeadLetter: () => Effect.succeed(false),
        forgetKey: () => Effect.void
      })
    )
    return Effect.gen(function* () {
      yield* writeAndHandOver(events)
      yield* relayOutboxBatch(10, "30 seconds")
      yield* TestClock.adjust("1 hour")
      expect(yield* relayOutboxBatch(10, "30 seconds")).toBe(0)
      expect(published.map((message) => message.id)).toEqual([events[0]!.id, events[2]!.id])
      expect(yield* Effect.flatMap(Outbox, (outbox) => outbox.stats)).toMatchObject({ pending: 0, published: 3 })
      const failed = yield* Effect.flatMap(FailedEvents, (failedEvents) => failedEvents.list)
      expect(failed.map((event) => [event.consumer, event.messageId, event.reason])).toEqual([["outbox-relay", tooLarge.id, "message size exceeded"]])
    }).pipe(Effect.provide(Layer.mergeAll(refusingOne, OutboxWakeup.layer).pipe(Layer.provideMerge(InMemoryStorage))))
  })

  it.effect("events claimed just before storage went down are published once it answers, not after their claim's lease", () =>
    Effect.gen(function* () {
      const storage = yield* downAfterClaim
      return yield* Effect.gen(function* () {
        const events = written(2, new Date(0))
        yield* Effect.flatMap(Outbox, (outbox) => outbox.add(events))
        yield* TestClock.adjust(handedOverLease)
        const relay = yield* Effect.fork(runOutboxRelay({ batchSize: 10, lease: "30 seconds", pollInterval: "1 second", gather: "1 millis" }))
        yield* TestClock.adjust("4 seconds")
        expect(storage.published).toEqual([])
        yield* storage.comeBack
        yield* TestClock.adjust("12 seconds")
        expect(storage.published.map((message) => message.id)).toEqual(events.map((event) => event.id))
        expect(yield* Effect.flatMap(Outbox, (outbox) => outbox.stats)).toMatchObject({ pending: 0, published: 2 })
        yield* Fiber.interrupt(relay)
      }).pipe(Effect.provide(storage.layer))
    }))

  it.effect("claims events whose writer died before handing them over, once their lease has run out", () => {
    const { published, layer } = world()
    return Effect.gen(function* () {
      const events = written(2, new Date(0))
      yield* Effect.flatMap(Outbox, (outbox) => outbox.add(events))
      yield* TestClock.adjust(Duration.subtract(handedOverLease, "1 millis"))
      expect(yield* relayOutboxBatch(10, "30 seconds")).toBe(0)
      yield* TestClock.adjust("1 millis")
      expect(yield* relayOutboxBatch(10, "30 seconds")).toBe(2)
      expect(published.map((message) => message.id)).toEqual(events.map((event) => event.id))
    }).pipe(Effect.provide(layer))
  })
})
