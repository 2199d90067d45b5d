import { Effect, Layer } from "effect"
import { FailedEvents } from "../../application/ports/FailedEvents.js"
import { InMemoryDatabase } from "./InMemoryDatabase.js"

export const InMemoryFailedEvents = Layer.effect(
  FailedEvents,
  Effect.map(InMemoryDatabase, (db) =>
    FailedEvents.of({
      record: (event) =>
        db.run((t) => {
          const id = JSON.stringify([event.consumer, event.messageId])
          if (!t.failedEvents.has(id)) t.failedEvents.set(id, event)
        }),
      list: db.run((t) => [...t.failedEvents.values()].sort((a, b) => a.failedAt.getTime() - b.failedAt.getTime())),
      deleteForKey: (key) =>
        db.run((t) => {
          const keyed = [...t.failedEvents.entries()].filter(([, event]) => event.key === key)
          keyed.forEach(([id]) => t.failedEvents.delete(id))
          return keyed.length
        })
    })
  )
)
