import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Layer } from "effect"
import { Deliveries } from "../../../application/ports/Deliveries.js"
import { Orders } from "../../../application/ports/Orders.js"
import { at, order, t0, userId } from "./fixtures.js"

/** The guarantees of every Deliveries adapter (the images belong to an order). */
export const deliveriesSuite = <E>(name: string, layer: Layer.Layer<Deliveries | Orders, E>) =>
  describe(`Deliveries contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("claims each prompt of an order once, however often Astria calls back", () =>
        Effect.gen(function* () {
          const deliveries = yield* Deliveries
          const orders = yield* Orders
          const o = order(userId())
          yield* orders.create(o)
          const urls = ["https://mp.astria.ai/1.jpg", "https://mp.astria.ai/2.jpg"]
          const claims = yield* Effect.all(
            Array.from({ length: 5 }, () => deliveries.claimPrompt(o.id, 9_000_000_001, urls, t0)),
            { concurrency: "unbounded" }
          )
          expect(claims.filter(Boolean)).toHaveLength(1)
          expect(yield* deliveries.claimPrompt(o.id, 9_000_000_002, ["https://mp.astria.ai/3.jpg"], at(1))).toBe(true)
          expect(yield* deliveries.imagesForOrder(o.id)).toEqual([...urls, "https://mp.astria.ai/3.jpg"])
          const other = order(userId())
          yield* orders.create(other)
          expect(yield* deliveries.claimPrompt(other.id, 9_000_000_001, urls, t0)).toBe(true)
        }))

      it.effect("deletes a user's delivered images, also after their orders are gone", () =>
        Effect.gen(function* () {
          const deliveries = yield* Deliveries
          const orders = yield* Orders
          const owner = userId()
          const o = order(owner)
          yield* orders.create(o)
          yield* deliveries.claimPrompt(o.id, 1, ["https://mp.astria.ai/a.jpg"], t0)
          yield* deliveries.claimPrompt(o.id, 2, ["https://mp.astria.ai/b.jpg"], t0)
          yield* orders.deleteForUser(owner)
          expect(yield* deliveries.deleteForUser(owner)).toBe(2)
          expect(yield* deliveries.imagesForOrder(o.id)).toEqual([])
        }))
    })
  })
