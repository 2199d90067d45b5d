import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { Layer } from "effect"
import { Orders } from "../../../application/ports/Orders.js"
import { TuneId } from "../../../domain/ids.js"
import { canMoveOrder, OrderStatus } from "../../../domain/orders/OrderStatus.js"
import { at, minutes, order, t0, tuneId, userId } from "./fixtures.js"

/** The guarantees of every Orders adapter. */
export const ordersSuite = <E>(name: string, layer: Layer.Layer<Orders, E>) =>
  describe(`Orders contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("stores an order as given", () =>
        Effect.gen(function* () {
          const orders = yield* Orders
          const owner = userId()
          const created = order(owner, { reuseTuneId: Option.some(TuneId.make(1234)), characteristics: {} })
          yield* orders.create(created)
          expect(yield* orders.get(created.id)).toEqual(Option.some(created))
          expect(yield* orders.listForUser(owner)).toEqual([created])
          expect(yield* orders.get(order(owner).id)).toEqual(Option.none())
        }))

      it.effect("keeps an order's checkout while it awaits payment, and not after", () =>
        Effect.gen(function* () {
          const orders = yield* Orders
          const o = order(userId(), { paymentLink: Option.none(), checkoutReference: Option.none() })
          yield* orders.create(o)
          expect(Option.map(yield* orders.get(o.id), (x) => x.paymentLink)).toEqual(Option.some(Option.none()))
          const renewed = { url: "https://pay.example/cs_2", providerReference: "cs_2", expiresAt: Option.some(at(90)) }
          expect(yield* orders.attachCheckout(o.id, renewed)).toBe(true)
          expect(
            Option.map(yield* orders.get(o.id), (x) => [x.paymentLink, x.checkoutReference, x.checkoutExpiresAt])
          ).toEqual(Option.some([Option.some(renewed.url), Option.some("cs_2"), renewed.expiresAt]))
          yield* orders.markPaid(o.id, at(2))
          const late = { url: "https://pay.example/cs_3", providerReference: "cs_3", expiresAt: Option.none() }
          expect(yield* orders.attachCheckout(o.id, late)).toBe(false)
          expect(Option.flatMap(yield* orders.get(o.id), (x) => x.checkoutReference)).toEqual(Option.some("cs_2"))
          expect(yield* orders.attachCheckout(order(userId()).id, late)).toBe(false)
        }))

      it.effect("marks an order paid only the first time, and never one that needs attention", () =>
        Effect.gen(function* () {
          const orders = yield* Orders
          const o = order(userId())
          yield* orders.create(o)
          const results = yield* Effect.all(
            Array.from({ length: 5 }, () => orders.markPaid(o.id, at(1))),
            { concurrency: "unbounded" }
          )
          expect(results.filter(Boolean)).toHaveLength(1)
          const paid = yield* orders.get(o.id)
          expect(Option.map(paid, (x) => [x.status, x.paidAt])).toEqual(Option.some(["Paid", Option.some(at(1))]))

          const mismatched = order(userId())
          yield* orders.create(mismatched)
          expect(yield* orders.moveTo(mismatched.id, "NeedsAttention")).toBe(true)
          expect(yield* orders.markPaid(mismatched.id, at(2))).toBe(false)
          expect(Option.map(yield* orders.get(mismatched.id), (x) => x.status)).toEqual(Option.some("NeedsAttention"))
          // Cancelling is only for an order not paid yet.
          expect(yield* orders.moveTo(o.id, "Cancelled")).toBe(false)
          expect(Option.map(yield* orders.get(o.id), (x) => x.status)).toEqual(Option.some("Paid"))
        }))

      it.effect("starts training, finds overdue orders and paid orders without a tune, delivers once", () =>
        Effect.gen(function* () {
          const orders = yield* Orders
          const owner = userId()
          const stuck = order(owner)
          const training = order(owner)
          yield* orders.create(stuck)
          yield* orders.create(training)
          yield* orders.markPaid(stuck.id, at(0))
          yield* orders.markPaid(training.id, at(0))
          const ids = (list: ReadonlyArray<{ readonly id: string }>) => list.map((x) => x.id)
          expect(ids(yield* orders.paidWithoutTune)).toContain(stuck.id)
          expect(ids(yield* orders.paidWithoutTune)).toContain(training.id)

          const tune = tuneId()
          yield* orders.startTraining(training.id, tune, Option.some(at(minutes(30))), "hash-of-secret")
          const started = yield* orders.get(training.id)
          expect(Option.map(started, (x) => [x.status, x.tuneId, x.eta, x.callbackTokenHash])).toEqual(
            Option.some(["Training", Option.some(tune), Option.some(at(minutes(30))), Option.some("hash-of-secret")])
          )
          expect(ids(yield* orders.paidWithoutTune)).not.toContain(training.id)

          expect(ids(yield* orders.overdue(at(minutes(40)), minutes(15)))).not.toContain(training.id)
          expect(ids(yield* orders.overdue(at(minutes(46)), minutes(15)))).toContain(training.id)

          const delivered = yield* Effect.all(
            Array.from({ length: 4 }, () => orders.markDelivered(training.id, at(minutes(50)))),
            { concurrency: "unbounded" }
          )
          expect(delivered.filter(Boolean)).toHaveLength(1)
          expect(Option.map(yield* orders.get(training.id), (x) => [x.status, x.deliveredAt])).toEqual(
            Option.some(["Delivered", Option.some(at(minutes(50)))])
          )
          expect(ids(yield* orders.overdue(at(minutes(100)), 0))).not.toContain(training.id)
          const unpaid = order(owner)
          yield* orders.create(unpaid)
          expect(yield* orders.markDelivered(unpaid.id, at(1))).toBe(false)
        }))

      it.effect("moves an order between statuses exactly as the order-status model allows", () =>
        Effect.gen(function* () {
          const orders = yield* Orders
          const owner = userId()
          for (const from of OrderStatus.literals) {
            for (const to of OrderStatus.literals) {
              const placed = order(owner, { status: from })
              yield* orders.create(placed)
              const moved = yield* orders.moveTo(placed.id, to)
              expect({ from, to, moved }).toEqual({ from, to, moved: canMoveOrder(from, to) })
              expect(Option.map(yield* orders.get(placed.id), (x) => x.status)).toEqual(
                Option.some(moved ? to : from)
              )
            }
          }
          expect(yield* orders.moveTo(order(owner).id, "Paid")).toBe(false)
          yield* orders.deleteForUser(owner)
        }))

      it.effect("lists orders page by page, newest first, and deletes a user's orders", () =>
        Effect.gen(function* () {
          const orders = yield* Orders
          const owner = userId()
          const older = order(owner, { createdAt: t0 })
          const newer = order(owner, { createdAt: at(minutes(1)) })
          yield* orders.create(older)
          yield* orders.create(newer)
          const all = yield* orders.list({ limit: 10_000, offset: 0 })
          const times = all.map((o) => o.createdAt.getTime())
          expect(times).toEqual([...times].sort((a, b) => b - a))
          expect(yield* orders.list({ limit: 2, offset: 1 })).toEqual(all.slice(1, 3))
          expect(yield* orders.deleteForUser(owner)).toBe(2)
          expect(yield* orders.listForUser(owner)).toEqual([])
        }))
    })
  })
