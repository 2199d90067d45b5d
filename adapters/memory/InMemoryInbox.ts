import { Effect, Layer } from "effect"
import { Inbox } from "../../application/ports/Inbox.js"
import { InMemoryDatabase } from "./InMemoryDatabase.js"

export const InMemoryInbox = Layer.effect(
  Inbox,
  Effect.map(InMemoryDatabase, (db) =>
    Inbox.of({
      markHandled: (consumer, eventId) =>
        db.run((t) => {
          const key = JSON.stringify([consumer, eventId])
          if (t.inbox.has(key)) return false
          t.inbox.add(key)
          return true
        })
    })
  )
)
