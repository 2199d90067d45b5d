import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Layer } from "effect"
import { InboundMessageRecord, InboundMessages } from "../../../../application/ports/InboundMessages.js"
import { at, minutes, userId, wamid } from "./fixtures.js"
import type { UserId } from "../../../../domain/ids.js"

const inbound = (owner: UserId, receivedAt: Date) =>
  new InboundMessageRecord({
    id: wamid(),
    userId: owner,
    kind: "Text",
    payload: { _tag: "Text", body: "שלום", nested: [1, { a: true }] },
    receivedAt
  })

/** The guarantees of every InboundMessages adapter. */
export const inboundMessagesContract = <E>(name: string, layer: Layer.Layer<InboundMessages, E>) =>
  describe(`InboundMessages contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("records a message once, however often Meta redelivers it", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const owner = userId()
          const message = inbound(owner, at(0))
          expect(yield* messages.recordIfNew(message)).toBe(true)
          expect(yield* messages.recordIfNew(message)).toBe(false)
          expect(yield* messages.recordIfNew(new InboundMessageRecord({ ...message, kind: "Image" }))).toBe(false)
          expect(yield* messages.countForUser(owner)).toBe(1)
        }))

      it.effect("records concurrent redeliveries once", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const owner = userId()
          const message = inbound(owner, at(0))
          const results = yield* Effect.all(
            Array.from({ length: 8 }, () => messages.recordIfNew(message)),
            { concurrency: "unbounded" }
          )
          expect(results.filter(Boolean)).toHaveLength(1)
          expect(yield* messages.countForUser(owner)).toBe(1)
        }))

      it.effect("deletes by age and by user", () =>
        Effect.gen(function* () {
          const messages = yield* InboundMessages
          const owner = userId()
          const other = userId()
          // Far in the past, so that no other test's messages are older than this cutoff.
          const old = new Date("1990-01-01T00:00:00Z")
          yield* messages.recordIfNew(inbound(owner, old))
          yield* messages.recordIfNew(inbound(owner, new Date(old.getTime() + minutes(1))))
          yield* messages.recordIfNew(inbound(owner, at(0)))
          yield* messages.recordIfNew(inbound(other, at(0)))
          expect(yield* messages.deleteOlderThan(new Date(old.getTime() + minutes(1)))).toBe(1)
          expect(yield* messages.countForUser(owner)).toBe(2)
          expect(yield* messages.deleteForUser(owner)).toBe(2)
          expect(yield* messages.countForUser(owner)).toBe(0)
          expect(yield* messages.countForUser(other)).toBe(1)
        }))
    })
  })
