import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { Layer } from "effect"
import { Orders } from "../../../application/ports/Orders.js"
import { OutboundMessages } from "../../../application/ports/OutboundMessages.js"
import { StoredStateReadings } from "../../../application/ports/StoredStateReadings.js"
import { OutgoingMessage } from "../../../domain/messages/OutgoingMessage.js"
import { at, order, unique, userId, uuid } from "./fixtures.js"

/**
 * Earlier than any order an earlier run of this suite stored (a run later in time goes further
 * back), so that on a database shared across runs this test's order is the oldest.
 */
const oldestYet = () => new Date(Date.UTC(2000, 0, 1) - Date.now())

/** The guarantees of every StoredStateReadings adapter: counts that follow what is stored. */
export const storedStateReadingsSuite = <E>(name: string, layer: Layer.Layer<StoredStateReadings | Orders | OutboundMessages, E>) =>
  describe(`StoredStateReadings contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("counts outbound messages by state, held ones apart", () =>
        Effect.gen(function* () {
          const readings = yield* StoredStateReadings
          const outbound = yield* OutboundMessages
          const before = (yield* readings.read).intents
          const owner = userId()
          const intent = (body: string) => ({
            id: uuid(),
            userId: owner,
            recipient: { waId: Option.some(unique("972")), bsuid: Option.none() },
            message: OutgoingMessage.Text({ body }),
            createdAt: at(0)
          })
          yield* outbound.enqueue([intent("one"), intent("two"), intent("three")])
          const middle = (yield* readings.read).intents
          expect(middle.pending - before.pending).toBe(3)
          yield* outbound.holdForWindow(owner)
          const after = (yield* readings.read).intents
          expect(after.pending - before.pending).toBe(0)
          expect(after.awaiting_window - before.awaiting_window).toBe(3)
          expect(after.sent).toBe(before.sent)
        }))

      it.effect("counts orders by status, with since when the oldest open one has been in it", () =>
        Effect.gen(function* () {
          const readings = yield* StoredStateReadings
          const orders = yield* Orders
          const before = (yield* readings.read).orders
          const createdAt = oldestYet()
          const waiting = order(userId(), { createdAt })
          const paid = order(userId(), { createdAt })
          yield* orders.create(waiting)
          yield* orders.create(paid)
          const paidAt = new Date(createdAt.getTime() + 60_000)
          expect(yield* orders.markPaid(paid.id, paidAt)).toBe(true)
          const after = (yield* readings.read).orders
          expect(after.AwaitingPayment.count - before.AwaitingPayment.count).toBe(1)
          expect(after.Paid.count - before.Paid.count).toBe(1)
          expect(after.AwaitingPayment.oldestSince).toEqual(Option.some(createdAt))
          // Paid since the payment, not since the quote.
          expect(after.Paid.oldestSince).toEqual(Option.some(paidAt))
          expect(after.Delivered.count).toBe(before.Delivered.count)
          // A closed status has no time in it worth watching.
          expect(after.Delivered.oldestSince).toEqual(Option.none())
        }))
    })
  })
