import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Layer } from "effect"
import { Outbox, OutboxEvent } from "../../../application/ports/Outbox.js"
import { at, minutes, unique, userId, uuid } from "./fixtures.js"

const event = (key: string, createdAt: Date) => ({
  id: uuid(),
  eventType: "UserMessageReceivedEvent",
  key,
  body: JSON.stringify({ hello: "עולם", n: 1 }),
  createdAt
})

/** Far beyond any test's instants: claiming then takes whatever earlier tests left. */
const farFuture = new Date("2999-01-01T00:00:00Z")

/** Publishes everything due, so the test sees only its own events. */
const drain = Effect.gen(function* () {
  const outbox = yield* Outbox
  for (;;) {
    const left = yield* outbox.claim(1000, farFuture, "1 second")
    if (left.length === 0) return
    yield* outbox.markPublished(left.map((e) => e.id), farFuture)
  }
})

/** The guarantees of every Outbox adapter. */
export const outboxSuite = <E>(name: string, layer: Layer.Layer<Outbox, E>) =>
  describe(`Outbox contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("claims due events in creation order, as they were added", () =>
        Effect.gen(function* () {
          yield* drain
          const outbox = yield* Outbox
          const key = userId()
          const first = event(key, at(0))
          const second = event(key, at(1))
          const third = event(key, at(1))
          yield* outbox.add([first, second])
          yield* outbox.add([third])
          yield* outbox.add([])
          const claimed = yield* outbox.claim(10, at(5), "30 seconds")
          expect(claimed.map((e) => e.id)).toEqual([first.id, second.id, third.id])
          expect(claimed[0]).toEqual(new OutboxEvent({ ...first, attempts: 1 }))
        }))

      it.effect("does not hand out events that are not due yet, and respects the limit", () =>
        Effect.gen(function* () {
          yield* drain
          const outbox = yield* Outbox
          const events = Array.from({ length: 5 }, (_, i) => event(unique("key"), at(minutes(10) + i)))
          yield* outbox.add(events)
          expect(yield* outbox.claim(10, at(minutes(9)), "30 seconds")).toEqual([])
          const two = yield* outbox.claim(2, at(minutes(11)), "30 seconds")
          expect(two.map((e) => e.id)).toEqual(events.slice(0, 2).map((e) => e.id))
          const rest = yield* outbox.claim(10, at(minutes(11)), "30 seconds")
          expect(rest.map((e) => e.id)).toEqual(events.slice(2).map((e) => e.id))
        }))

      it.effect("keeps an event from every claim until it is available: its writer publishes it unclaimed", () =>
        Effect.gen(function* () {
          yield* drain
          const outbox = yield* Outbox
          const published = event(userId(), at(0))
          const orphaned = event(userId(), at(1))
          yield* outbox.add([published, orphaned].map((e) => ({ ...e, availableAt: at(30_000) })))
          expect(yield* outbox.claim(10, at(29_999), "30 seconds")).toEqual([])
          yield* outbox.markPublished([published.id], at(10))
          // The writer's process died before it published the other one: after the lease, a relay takes it.
          const claimed = yield* outbox.claim(10, at(30_000), "30 seconds")
          expect(claimed.map((x) => [x.id, x.attempts])).toEqual([[orphaned.id, 1]])
          expect((yield* outbox.stats).pending).toBe(1)
        }))

      it.effect("leases claimed events: nobody else gets them until the lease runs out", () =>
        Effect.gen(function* () {
          yield* drain
          const outbox = yield* Outbox
          const e = event(userId(), at(0))
          yield* outbox.add([e])
          const now = at(minutes(1))
          expect((yield* outbox.claim(10, now, "30 seconds")).map((x) => x.id)).toEqual([e.id])
          expect(yield* outbox.claim(10, now, "30 seconds")).toEqual([])
          expect(yield* outbox.claim(10, new Date(now.getTime() + 29_000), "30 seconds")).toEqual([])
          // The relay died: after the lease the event comes back, its attempts counted.
          const again = yield* outbox.claim(10, new Date(now.getTime() + 30_000), "30 seconds")
          expect(again.map((x) => [x.id, x.attempts])).toEqual([[e.id, 2]])
        }))

      it.effect("never gives one event to two concurrent claims", () =>
        Effect.gen(function* () {
          yield* drain
          const outbox = yield* Outbox
          const events = Array.from({ length: 40 }, (_, i) => event(`key-${i % 7}`, at(i)))
          yield* outbox.add(events)
          const batches = yield* Effect.all(
            Array.from({ length: 6 }, () => outbox.claim(5, at(minutes(1)), "1 minute")),
            { concurrency: "unbounded" }
          )
          const ids = batches.flat().map((e) => e.id)
          expect(new Set(ids).size).toBe(ids.length)
          expect(ids.length).toBe(30)
          const rest = yield* outbox.claim(100, at(minutes(1)), "1 minute")
          expect(new Set([...ids, ...rest.map((e) => e.id)]).size).toBe(40)
        }))

      it.effect("marks events published once and retries refused ones at the given time", () =>
        Effect.gen(function* () {
          yield* drain
          const outbox = yield* Outbox
          const published = event(userId(), at(0))
          const refused = event(userId(), at(1))
          yield* outbox.add([published, refused])
          yield* outbox.claim(10, at(minutes(1)), "10 seconds")
          yield* outbox.markPublished([published.id], at(minutes(1)))
          yield* outbox.markPublished([], at(minutes(1)))
          yield* outbox.retryAt([refused.id], at(minutes(5)), "broker down")
          yield* outbox.retryAt([], at(minutes(5)), "nothing")
          // The lease has run out, but the retry time has not come.
          expect(yield* outbox.claim(10, at(minutes(4)), "10 seconds")).toEqual([])
          const retried = yield* outbox.claim(10, at(minutes(5)), "10 seconds")
          expect(retried.map((e) => [e.id, e.attempts])).toEqual([[refused.id, 2]])
          yield* outbox.markPublished([refused.id], at(minutes(5)))
          // A published event is not retried, whatever a late retryAt says.
          yield* outbox.retryAt([published.id, refused.id], at(minutes(6)), "late")
          expect(yield* outbox.claim(10, at(minutes(7)), "10 seconds")).toEqual([])
        }))

      it.effect("counts pending and published events, and deletes old published ones", () =>
        Effect.gen(function* () {
          yield* drain
          const outbox = yield* Outbox
          const before = yield* outbox.stats
          expect(before.pending).toBe(0)
          expect(before.oldestPendingAt).toBeUndefined()
          const a = event(userId(), at(minutes(1)))
          const b = event(userId(), at(minutes(2)))
          const c = event(userId(), at(minutes(3)))
          yield* outbox.add([a, b, c])
          yield* outbox.claim(1, at(minutes(4)), "10 seconds")
          yield* outbox.markPublished([a.id], new Date("1990-01-01T00:00:00Z"))
          const after = yield* outbox.stats
          expect(after.pending).toBe(2)
          expect(after.published).toBe(before.published + 1)
          expect(after.oldestPendingAt).toEqual(b.createdAt)
          // Published in 1990: older than anything other tests published.
          expect(yield* outbox.deletePublishedBefore(new Date("1990-01-02T00:00:00Z"))).toBe(1)
          expect((yield* outbox.stats).published).toBe(before.published)
        }))

      it.effect("deletes one key's events, published or not, and no other key's", () =>
        Effect.gen(function* () {
          yield* drain
          const outbox = yield* Outbox
          const erased = userId()
          const other = userId()
          const published = event(erased, at(0))
          yield* outbox.add([published, event(erased, at(1)), event(other, at(2))])
          yield* outbox.claim(1, at(minutes(1)), "30 seconds")
          yield* outbox.markPublished([published.id], at(minutes(1)))
          expect(yield* outbox.deleteForKey(erased)).toBe(2)
          expect(yield* outbox.deleteForKey(erased)).toBe(0)
          const left = yield* outbox.claim(10, farFuture, "1 second")
          expect(left.map((e) => e.key)).toEqual([other])
        }))
    })
  })
