import { Effect, Layer } from "effect"
import { Inbox } from "../../application/ports/Inbox.js"
import { InMemoryDatabase } from "./InMemoryDatabase.js"

export const InMemoryInbox = Layer.effect(
  Inbox,
  Effect.map(InMemoryDatabase, (db) =>
    Inbox.of({
      markHandled: (consumer, eventId, now) =>
        db.run((t) => {
          const key = JSON.stringify([consumer, eventId])
          if (t.inbox.has(key)) return false
          t.inbox.set(key, now)
          return true
        }),
      deleteHandledBefore: (cutoff) =>
        db.run((t) => {
          const old = [...t.inbox.entries()].filter(([, handledAt]) => handledAt < cutoff)
          old.forEach(([key]) => t.inbox.delete(key))
          return old.length
        })
    })
  )
)
