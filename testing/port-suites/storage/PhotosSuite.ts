import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { Layer } from "effect"
import { Orders } from "../../../application/ports/Orders.js"
import { Photos, StoredPhoto } from "../../../application/ports/Photos.js"
import { PhotoId } from "../../../domain/ids.js"
import { at, order, photo, t0, unique, userId } from "./fixtures.js"

/** The guarantees of every Photos adapter (Orders tells who paid). */
export const photosSuite = <E>(name: string, layer: Layer.Layer<Photos | Orders, E>) =>
  describe(`Photos contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("stores a photo's bytes and details as given", () =>
        Effect.gen(function* () {
          const photos = yield* Photos
          const owner = userId()
          const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256)
          const stored = photo(owner, { bytes, width: 3024, height: 4032 })
          expect(yield* photos.add(stored)).toBe(true)
          const [back] = yield* photos.listForUser(owner)
          expect(back).toBeInstanceOf(StoredPhoto)
          expect(Array.from(back!.bytes)).toEqual(Array.from(bytes))
          expect({ ...back!, bytes: undefined }).toEqual({ ...stored, bytes: undefined })
        }))

      it.effect("stores one photo per source message, also when the event is redelivered concurrently", () =>
        Effect.gen(function* () {
          const photos = yield* Photos
          const owner = userId()
          const source = unique("wamid")
          const copies = Array.from({ length: 6 }, () => photo(owner, { sourceMessageId: source }))
          const added = yield* Effect.all(copies.map((p) => photos.add(p)), { concurrency: "unbounded" })
          expect(added.filter(Boolean)).toHaveLength(1)
          const [kept] = yield* photos.listForUser(owner)
          expect(yield* photos.add(photo(owner, { id: kept!.id, sourceMessageId: unique("wamid") }))).toBe(false)
          expect(yield* photos.countForUser(owner)).toBe(1)
        }))

      it.effect("counts, hashes and lists a user's photos in the order they came", () =>
        Effect.gen(function* () {
          const photos = yield* Photos
          const owner = userId()
          const burst = Array.from({ length: 20 }, (_, i) => photo(owner, { createdAt: at(i), hash: `h${i}` }))
          yield* Effect.all(burst.map((p) => photos.add(p)), { concurrency: "unbounded" })
          yield* photos.add(photo(userId()))
          expect(yield* photos.countForUser(owner)).toBe(20)
          expect(yield* photos.hashesForUser(owner)).toEqual(burst.map((p) => p.hash))
          expect((yield* photos.listForUser(owner)).map((p) => p.id)).toEqual(burst.map((p) => p.id))
          expect(yield* photos.countForUser(userId())).toBe(0)
        }))

      it.effect("deletes a user's photos, and old photos of users who never paid", () =>
        Effect.gen(function* () {
          const photos = yield* Photos
          const orders = yield* Orders
          const old = new Date("1995-01-01T00:00:00Z")
          const unpaid = userId()
          const paid = userId()
          const recent = userId()
          yield* photos.add(photo(unpaid, { createdAt: old }))
          yield* photos.add(photo(unpaid, { createdAt: old, id: PhotoId.make(unique("photo")) }))
          yield* photos.add(photo(paid, { createdAt: old }))
          yield* photos.add(photo(recent, { createdAt: t0 }))
          const paidOrder = order(paid)
          yield* orders.create(paidOrder)
          yield* orders.markPaid(paidOrder.id, old)
          yield* orders.create(order(unpaid))
          expect(yield* photos.deleteUnpaidOlderThan(new Date("1995-01-02T00:00:00Z"))).toBe(2)
          expect(yield* photos.countForUser(unpaid)).toBe(0)
          expect(yield* photos.countForUser(paid)).toBe(1)
          expect(yield* photos.countForUser(recent)).toBe(1)
          expect(yield* photos.deleteForUser(recent)).toBe(1)
          expect(yield* photos.listForUser(recent)).toEqual([])
          expect(Option.isSome(yield* orders.get(paidOrder.id))).toBe(true)
        }))
    })
  })
