import { Effect, Layer, Option } from "effect"
import { TuneRecord, Tunes } from "../../application/ports/Tunes.js"
import { byTime, InMemoryDatabase, sorted } from "./InMemoryDatabase.js"
import type { Tables } from "./InMemoryDatabase.js"

const ofUser = (t: Tables, userId: string) =>
  sorted(
    [...t.tunes.values()].filter((tune) => tune.userId === userId),
    (a, b) => byTime(b.createdAt, a.createdAt) || b.id - a.id
  )

export const InMemoryTunes = Layer.effect(
  Tunes,
  Effect.map(InMemoryDatabase, (db) =>
    Tunes.of({
      // Astria may report the same tune twice (callback and reconciler): the first record stays.
      add: (tune) =>
        db.run((t) => {
          if (!t.tunes.has(tune.id)) t.tunes.set(tune.id, tune)
        }),
      savedForUser: (userId, now) =>
        db.run((t) =>
          ofUser(t, userId).filter((tune) => !tune.expired && !Option.exists(tune.expiresAt, (at) => at <= now))
        ),
      listForUser: (userId) => db.run((t) => ofUser(t, userId)),
      markExpired: (now) =>
        db.run((t) => {
          const due = [...t.tunes.values()].filter((tune) => !tune.expired && Option.exists(tune.expiresAt, (at) => at <= now))
          due.forEach((tune) => t.tunes.set(tune.id, new TuneRecord({ ...tune, expired: true })))
          return due.length
        }),
      deleteForUser: (userId) =>
        db.run((t) => {
          const theirs = ofUser(t, userId)
          theirs.forEach((tune) => t.tunes.delete(tune.id))
          return theirs.length
        })
    })
  )
)
