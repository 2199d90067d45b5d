import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { Layer } from "effect"
import { TuneRecord, Tunes } from "../../../application/ports/Tunes.js"
import type { UserId } from "../../../domain/ids.js"
import { at, minutes, orderId, tuneId, userId } from "./fixtures.js"

const tune = (owner: UserId, createdAt: Date, expiresAt: Option.Option<Date>) =>
  new TuneRecord({
    id: tuneId(),
    userId: owner,
    orderId: orderId(),
    className: "man",
    title: "a title",
    createdAt,
    expiresAt,
    expired: false
  })

/** The guarantees of every Tunes adapter. */
export const tunesSuite = <E>(name: string, layer: Layer.Layer<Tunes, E>) =>
  describe(`Tunes contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("lists a user's saved models newest first, without the expired ones", () =>
        Effect.gen(function* () {
          const tunes = yield* Tunes
          const owner = userId()
          const oldest = tune(owner, at(0), Option.none())
          const expiring = tune(owner, at(minutes(1)), Option.some(at(minutes(60))))
          const newest = tune(owner, at(minutes(2)), Option.some(at(minutes(600))))
          yield* tunes.add(oldest)
          yield* tunes.add(expiring)
          yield* tunes.add(newest)
          yield* tunes.add(newest)
          yield* tunes.add(tune(userId(), at(0), Option.none()))
          expect(yield* tunes.listForUser(owner)).toEqual([newest, expiring, oldest])
          expect(yield* tunes.savedForUser(owner, at(minutes(30)))).toEqual([newest, expiring, oldest])
          expect(yield* tunes.savedForUser(owner, at(minutes(60)))).toEqual([newest, oldest])
        }))

      it.effect("marks tunes past their expiry", () =>
        Effect.gen(function* () {
          const tunes = yield* Tunes
          const owner = userId()
          // Expired long before any other test's instants, so the count is this test's alone.
          const gone = tune(owner, new Date("1990-01-01T00:00:00Z"), Option.some(new Date("1990-02-01T00:00:00Z")))
          const kept = tune(owner, at(0), Option.some(at(minutes(60))))
          yield* tunes.add(gone)
          yield* tunes.add(kept)
          expect(yield* tunes.markExpired(new Date("1990-02-01T00:00:00Z"))).toBe(1)
          expect(yield* tunes.markExpired(new Date("1990-02-01T00:00:00Z"))).toBe(0)
          const listed = yield* tunes.listForUser(owner)
          expect(listed.map((t) => [t.id, t.expired])).toEqual([[kept.id, false], [gone.id, true]])
          expect(yield* tunes.savedForUser(owner, new Date("1989-01-01T00:00:00Z"))).toEqual([kept])
          expect(yield* tunes.deleteForUser(owner)).toBe(2)
          expect(yield* tunes.listForUser(owner)).toEqual([])
        }))
    })
  })
