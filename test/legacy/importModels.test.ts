import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Ref, Schema, TestClock } from "effect"
import * as InMemoryAstria from "../../adapters/memory/InMemoryAstria.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { importLegacy } from "../../application/legacy/importLegacy.js"
import { LegacyDatabase, LegacyUser } from "../../application/legacy/LegacyDatabase.js"
import { Astria, AstriaNotFound, AstriaTune, AstriaUnavailable, type AstriaError } from "../../application/ports/Astria.js"
import { Ids } from "../../application/ports/Ids.js"
import { Tunes } from "../../application/ports/Tunes.js"
import { Users } from "../../application/ports/Users.js"
import { Conversation } from "../../domain/conversation/Conversation.js"
import { TuneId } from "../../domain/ids.js"

const now = new Date("2026-06-01T00:00:00Z")
const day = 86_400_000

const person = (phone: string, state: number, tuneId: string | null) =>
  new LegacyUser({ phone, state, tuneId, chosenPack: null, entityType: "man", language: 0, pictures: 0 })

const people = [person("972502220001", 2, "11"), person("972502220002", 2, "12"), person("972502220003", 3, null)]

/** Astria as the import meets it: tune 11 trained 40 days ago (expired), tune 12 behind an outage until `up`. */
const astriaWith = (up: Ref.Ref<boolean>) =>
  Layer.effect(
    Astria,
    Effect.map(Astria, (astria) =>
      Astria.of({
        ...astria,
        getTune: (id) =>
          id === 11
            ? Effect.succeed(
                new AstriaTune({
                  id: TuneId.make(11),
                  title: "972502220001",
                  className: "man",
                  status: "trained",
                  eta: Option.none(),
                  trainedAt: Option.some(new Date(now.getTime() - 40 * day)),
                  expiresAt: Option.some(new Date(now.getTime() - 10 * day))
                })
              )
            : Effect.flatMap(Ref.get(up), (reachable): Effect.Effect<never, AstriaError> =>
                reachable ? Effect.fail(new AstriaNotFound({ resource: "tune", id: String(id) })) : Effect.fail(new AstriaUnavailable({ status: Option.some(503), message: "down" }))
              ),
        findTuneByTitle: () => Effect.succeed(Option.none())
      })
    )
  ).pipe(Layer.provide(InMemoryAstria.layer()))

const legacy = Layer.succeed(LegacyDatabase, LegacyDatabase.of({ read: Effect.succeed({ users: people, payments: [], ratings: [] }) }))

const userOf = (phone: string) =>
  Effect.map(Effect.flatMap(Users, (users) => users.list({ limit: 100, offset: 0 })), (all) =>
    all.find((user) => Option.contains(user.waId, phone))
  )

const requireUserOf = (phone: string) => Effect.flatMap(userOf(phone), Effect.fromNullable).pipe(Effect.orDie)

describe("import-legacy: saved models checked on Astria", () => {
  it.effect("an expired model is kept but not offered; a person Astria could not be asked about waits for the next run", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(now.getTime())
      const up = yield* Ref.make(false)
      const run = (dryRun: boolean) => importLegacy({ dryRun }).pipe(Effect.provide(Layer.mergeAll(astriaWith(up), legacy)))

      const dry = yield* run(true)
      expect(dry.people.map((p) => p.action)).toEqual(["import", "later", "import"])
      expect(yield* Effect.flatMap(Users, (users) => users.list({ limit: 100, offset: 0 }))).toEqual([])

      const first = yield* run(false)
      expect(first.people.map((p) => [p.model._tag, p.stage, p.action])).toEqual([
        ["Expired", "TuneReady", "import"],
        ["Unchecked", "TuneReady", "later"],
        ["NoModel", "New", "import"]
      ])
      const expired = yield* requireUserOf("972502220001")
      const tunes = yield* Effect.flatMap(Tunes, (port) => port.listForUser(expired.id))
      expect(tunes.map((tune) => [tune.id, tune.expired])).toEqual([[11, true]])
      expect(yield* Effect.flatMap(Tunes, (port) => port.savedForUser(expired.id, now))).toEqual([])
      expect(yield* userOf("972502220002")).toBeUndefined()

      yield* Ref.set(up, true)
      const second = yield* run(false)
      expect(second.people.map((p) => [p.model._tag, p.action])).toEqual([
        ["Expired", "present"],
        ["Gone", "import"],
        ["NoModel", "present"]
      ])
      const later = yield* requireUserOf("972502220002")
      const stored = yield* Effect.flatMap(Users, (users) => users.loadConversation(later.id))
      const conversation = Schema.decodeUnknownSync(Conversation)(Option.getOrThrow(stored))
      // Paid with the original: a returning customer here, their delivered order kept.
      expect(conversation).toMatchObject({ stage: "TuneReady", language: "en", orders: [{ status: "Delivered", tuneId: 12 }] })
    }).pipe(Effect.provide(Layer.merge(InMemoryStorage, Ids.random)))
  )
})
