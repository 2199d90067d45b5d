import { Effect, Layer } from "effect"
import { Photos, StoredPhoto } from "../../application/ports/Photos.js"
import { byText, byTime, InMemoryDatabase, sorted } from "./InMemoryDatabase.js"
import type { Tables } from "./InMemoryDatabase.js"

const ofUser = (t: Tables, userId: string) =>
  sorted(
    [...t.photos.values()].filter((p) => p.userId === userId),
    (a, b) => byTime(a.createdAt, b.createdAt) || byText(a.id, b.id)
  )

const remove = (t: Tables, photos: ReadonlyArray<StoredPhoto>) => {
  photos.forEach((p) => t.photos.delete(p.id))
  return photos.length
}

export const InMemoryPhotos = Layer.effect(
  Photos,
  Effect.map(InMemoryDatabase, (db) =>
    Photos.of({
      add: (photo) =>
        db.run((t) => {
          const taken = t.photos.has(photo.id) || [...t.photos.values()].some((p) => p.sourceMessageId === photo.sourceMessageId)
          if (taken) return false
          // A copy of the bytes, as a database would keep.
          t.photos.set(photo.id, new StoredPhoto({ ...photo, bytes: photo.bytes.slice() }))
          return true
        }),
      countForUser: (userId) => db.run((t) => ofUser(t, userId).length),
      hashesForUser: (userId) => db.run((t) => ofUser(t, userId).map((p) => p.hash)),
      listForUser: (userId) => db.run((t) => ofUser(t, userId)),
      deleteForUser: (userId) => db.run((t) => remove(t, ofUser(t, userId))),
      deleteUnpaidOlderThan: (cutoff) =>
        db.run((t) => {
          const paying = new Set([...t.orders.values()].filter((o) => o.paidAt._tag === "Some").map((o) => o.userId))
          return remove(t, [...t.photos.values()].filter((p) => p.createdAt < cutoff && !paying.has(p.userId)))
        })
    })
  )
)
