import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { Layer } from "effect"
import { InboundMessageRecord, InboundMessages } from "../../../application/ports/InboundMessages.js"
import type { Arrival, RecordedArrival } from "../../../application/ports/InboundMessages.js"
import { Outbox, type OutboxEvent } from "../../../application/ports/Outbox.js"
import { Users } from "../../../application/ports/Users.js"
import { arrival, at, minutes, t0, unique, userId } from "./fixtures.js"

/** Far beyond any test's instants: claiming then takes whatever is due. */
const farFuture = new Date("2999-01-01T00:00:00Z")

/** The events written for `arrivals`, in the order the outbox gives them out (everything due is published). */
const eventsOf = (arrivals: ReadonlyArray<Arrival>) =>
  Effect.gen(function* () {
    const outbox = yield* Outbox
    const ids = new Set(arrivals.map((a) => a.event.id))
    const found: Array<OutboxEvent> = []
    for (;;) {
      const claimed = yield* outbox.claim(1000, farFuture, "1 second")
      if (claimed.length === 0) return found
      found.push(...claimed.filter((event) => ids.has(event.id)))
      yield* outbox.markPublished(claimed.map((event) => event.id), farFuture)
    }
  })

/** Whether claiming everything due at `now` hands out `sent`'s event (claims lease for a second only). */
const claimedAt = (now: Date, sent: Arrival) =>
  Effect.gen(function* () {
    const outbox = yield* Outbox
    for (;;) {
      const claimed = yield* outbox.claim(1000, now, "1 second")
      if (claimed.length === 0) return false
      if (claimed.some((event) => event.id === sent.event.id)) return true
    }
  })

const idsOf = (recorded: ReadonlyArray<RecordedArrival>) => recorded.map((arrival) => arrival.messageId)

/** A second delivery of the same message: Meta's retry, which the webhook turns into a new event. */
const redelivery = (first: Arrival, kind = first.message.kind): Arrival => {
  const again = arrival({}, first.message.receivedAt, first.message.id)
  return { message: new InboundMessageRecord({ ...first.message, kind }), event: again.event }
}

const newUser = (identity: { readonly waId?: string; readonly bsuid?: string }) =>
  Effect.flatMap(Users, (users) =>
    users.resolve(
      { waId: Option.fromNullable(identity.waId), bsuid: Option.fromNullable(identity.bsuid), profileName: Option.none() },
      userId(),
      t0
    )
  ).pipe(Effect.map(({ user }) => user))

/** The guarantees of every InboundMessages adapter. */
export const inboundMessagesSuite = <E>(name: string, layer: Layer.Layer<InboundMessages | Outbox | Users, E>) =>
  describe(`InboundMessages contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("records a message once, with one event, however often Meta redelivers it", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const first = arrival({ waId: unique("972") })
          const again = redelivery(first)
          const changed = redelivery(first, "Image")
          expect(idsOf(yield* messages.recordArrivals([first]))).toEqual([first.message.id])
          expect(yield* messages.recordArrivals([again])).toEqual([])
          expect(yield* messages.recordArrivals([changed])).toEqual([])
          expect((yield* eventsOf([first, again, changed])).map((event) => event.id)).toEqual([first.event.id])
        }))

      it.effect("records concurrent redeliveries once, with one event", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const first = arrival({ waId: unique("972") })
          const deliveries = [first, ...Array.from({ length: 7 }, () => redelivery(first))]
          const results = yield* Effect.all(
            deliveries.map((delivery) => messages.recordArrivals([delivery])),
            { concurrency: "unbounded" }
          )
          expect(idsOf(results.flat())).toEqual([first.message.id])
          expect(yield* eventsOf(deliveries)).toHaveLength(1)
        }))

      it.effect("tells each of many concurrent webhooks exactly its own new messages", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const webhooks = Array.from({ length: 24 }, () => [arrival({ waId: unique("972") }), arrival({ waId: unique("972") })])
          const earlier = arrival({ waId: unique("972") })
          yield* messages.recordArrivals([earlier])
          // Every third webhook also carries a redelivery of a message stored before.
          const sent = webhooks.map((webhook, index) => (index % 3 === 2 ? [...webhook, redelivery(earlier)] : webhook))
          const results = yield* Effect.all(
            sent.map((webhook) => messages.recordArrivals(webhook)),
            { concurrency: "unbounded" }
          )
          results.forEach((recorded, index) =>
            expect(idsOf(recorded).sort()).toEqual(webhooks[index]!.map((a) => a.message.id).sort())
          )
          expect(yield* eventsOf(webhooks.flat())).toHaveLength(48)
        }))

      it.effect("keeps the messages of one webhook in order, and one given twice in it once", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const waId = unique("972")
          const batch = [arrival({ waId }, at(0)), arrival({ waId }, at(0)), arrival({ waId }, at(0))]
          const recorded = yield* messages.recordArrivals([...batch, redelivery(batch[1]!)])
          expect(idsOf(recorded)).toEqual(batch.map((a) => a.message.id))
          expect((yield* eventsOf(batch)).map((event) => event.id)).toEqual(batch.map((a) => a.event.id))
        }))

      it.effect("stores a known sender's message as theirs and keys its event by their user id, BSUID first", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const byNumber = yield* newUser({ waId: unique("972") })
          const byBsuid = yield* newUser({ bsuid: unique("IL.") })
          const fromNumber = arrival({ waId: Option.getOrThrow(byNumber.waId) })
          // A number one user had, written with the BSUID of another: the BSUID is who it is.
          const fromBoth = arrival({ waId: Option.getOrThrow(byNumber.waId), bsuid: Option.getOrThrow(byBsuid.bsuid) })
          const recorded = yield* messages.recordArrivals([fromNumber, fromBoth])
          // The events come back as written, keyed as stored: what a relay publishes unclaimed.
          expect(recorded.map((arrival) => arrival.event.key)).toEqual([byNumber.id, byBsuid.id])
          expect(recorded.map((arrival) => arrival.event.id)).toEqual([fromNumber.event.id, fromBoth.event.id])
          expect((yield* eventsOf([fromNumber, fromBoth])).map((event) => event.key)).toEqual([byNumber.id, byBsuid.id])
          expect(yield* messages.countForUser(byNumber.id)).toBe(1)
          expect(yield* messages.countForUser(byBsuid.id)).toBe(1)
        }))

      it.effect("gives a user's latest messages, newest first, with their payload, and nobody else's", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const person = yield* newUser({ waId: unique("972") })
          const waId = Option.getOrThrow(person.waId)
          const sent = [arrival({ waId }, at(0)), arrival({ waId }, at(2)), arrival({ waId }, at(1))]
          yield* messages.recordArrivals([...sent, arrival({ waId: unique("972") }, at(3))])
          const recent = yield* messages.recentForUser(person.id, 2)
          expect(recent.map((message) => message.id)).toEqual([sent[1]!.message.id, sent[2]!.message.id])
          expect(recent[0]).toMatchObject({ kind: "Text", payload: sent[1]!.message.payload, receivedAt: at(2) })
          expect(yield* messages.recentForUser(userId(), 5)).toEqual([])
        }))

      it.effect("keeps the key an unknown sender's event came with, and makes a message theirs once attributed", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const waId = unique("972")
          const first = arrival({ waId }, at(0))
          const second = arrival({ waId }, at(1))
          const someoneElse = arrival({ waId: unique("972") }, at(2))
          yield* messages.recordArrivals([first, second, someoneElse])
          const keys = (yield* eventsOf([first, second, someoneElse])).map((event) => event.key)
          expect(keys).toEqual([first.event.key, second.event.key, someoneElse.event.key])
          // The sender's key: one for all their first messages, and no phone number in it.
          expect(keys[0]).toBe(keys[1])
          expect(keys[2]).not.toBe(keys[0])
          expect(keys.some((key) => key.includes(waId))).toBe(false)
          const owner = userId()
          expect(yield* messages.countForUser(owner)).toBe(0)
          yield* messages.attribute(first.message.id, owner)
          yield* messages.attribute(first.message.id, owner)
          yield* messages.attribute(second.message.id, owner)
          expect(yield* messages.countForUser(owner)).toBe(2)
        }))

      it.effect("writes each event as available as its writer asks: no claim takes a handed-over one before", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const sent = arrival({ waId: unique("972") }, at(0))
          const handedOver = { ...sent, event: { ...sent.event, availableAt: at(minutes(30)) } }
          expect(idsOf(yield* messages.recordArrivals([handedOver]))).toEqual([sent.message.id])
          expect(yield* claimedAt(at(minutes(29)), sent)).toBe(false)
          expect(yield* claimedAt(at(minutes(31)), sent)).toBe(true)
        }))

      it.effect("remembers a message's id after its history is deleted, until the id is forgotten", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          // Seen long before any other test's messages, so that forgetting takes this one alone.
          const seenAt = new Date("1980-01-01T00:00:00Z")
          const first = arrival({ waId: unique("972") }, seenAt)
          expect(idsOf(yield* messages.recordArrivals([first]))).toEqual([first.message.id])
          expect(yield* messages.deleteOlderThan(new Date(seenAt.getTime() + minutes(1)))).toBe(1)
          // Meta's redelivery after the history's retention: still a duplicate.
          expect(yield* messages.recordArrivals([redelivery(first)])).toEqual([])
          expect(yield* messages.forgetSeenBefore(seenAt)).toBe(0)
          expect(yield* messages.forgetSeenBefore(new Date(seenAt.getTime() + minutes(1)))).toBe(1)
          const afterForgetting = redelivery(first)
          expect(idsOf(yield* messages.recordArrivals([afterForgetting]))).toEqual([first.message.id])
          expect((yield* eventsOf([first, afterForgetting])).map((event) => event.id)).toEqual([first.event.id, afterForgetting.event.id])
          expect(yield* messages.deleteOlderThan(new Date(seenAt.getTime() + minutes(1)))).toBe(1)
        }))

      it.effect("records a message taken without an answer as seen, in its sender's history, with no event", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const sender = yield* newUser({ waId: unique("972") })
          const stale = arrival({ waId: Option.getOrThrow(sender.waId) }, at(0))
          expect(yield* messages.recordUnanswered([stale.message], at(minutes(1)))).toBe(1)
          expect(yield* messages.recordUnanswered([stale.message], at(minutes(2)))).toBe(0)
          expect(yield* messages.recordArrivals([redelivery(stale)])).toEqual([])
          expect(yield* eventsOf([stale])).toEqual([])
          expect(yield* messages.countForUser(sender.id)).toBe(1)
        }))

      it.effect("deletes by age and by user", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const owner = yield* newUser({ waId: unique("972") })
          const other = yield* newUser({ waId: unique("972") })
          const from = (user: typeof owner) => ({ waId: Option.getOrThrow(user.waId) })
          // Far in the past, so that no other test's messages are older than this cutoff.
          const old = new Date("1990-01-01T00:00:00Z")
          yield* messages.recordArrivals([
            arrival(from(owner), old),
            arrival(from(owner), new Date(old.getTime() + minutes(1))),
            arrival(from(owner), at(0)),
            arrival(from(other), at(0))
          ])
          expect(yield* messages.deleteOlderThan(new Date(old.getTime() + minutes(1)))).toBe(1)
          expect(yield* messages.countForUser(owner.id)).toBe(2)
          expect(yield* messages.deleteForUser(owner.id)).toBe(2)
          expect(yield* messages.countForUser(owner.id)).toBe(0)
          expect(yield* messages.countForUser(other.id)).toBe(1)
        }))
    })
  })
