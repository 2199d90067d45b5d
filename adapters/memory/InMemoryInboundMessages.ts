import { Effect, Layer, Option } from "effect"
import { InboundMessageRecord, InboundMessages } from "../../application/ports/InboundMessages.js"
import type { RecordedArrival } from "../../application/ports/InboundMessages.js"
import { asJson, InMemoryDatabase } from "./InMemoryDatabase.js"
import { addEvents } from "./InMemoryOutbox.js"
import { findUser } from "./InMemoryUsers.js"

export const InMemoryInboundMessages = Layer.effect(
  InboundMessages,
  Effect.map(InMemoryDatabase, (db) =>
    InboundMessages.of({
      recordArrivals: (arrivals) =>
        db.run((t) => {
          const recorded: Array<RecordedArrival> = []
          for (const { message, event } of arrivals) {
            if (t.inbound.has(message.id)) continue
            const userId = Option.getOrUndefined(Option.map(findUser(t, message.sender), (row) => row.record.id))
            t.inbound.set(message.id, {
              record: new InboundMessageRecord({ ...message, payload: asJson(message.payload) }),
              userId
            })
            const stored = { ...event, key: userId ?? event.key }
            addEvents(t, [stored])
            recorded.push({ messageId: message.id, event: stored })
          }
          return recorded
        }),
      attribute: (id, userId) =>
        db.run((t) => {
          const row = t.inbound.get(id)
          if (row !== undefined) t.inbound.set(id, { ...row, userId })
        }),
      countForUser: (userId) => db.run((t) => [...t.inbound.values()].filter((m) => m.userId === userId).length),
      deleteOlderThan: (cutoff) =>
        db.run((t) => {
          const old = [...t.inbound.values()].filter((m) => m.record.receivedAt < cutoff)
          old.forEach((m) => t.inbound.delete(m.record.id))
          return old.length
        }),
      deleteForUser: (userId) =>
        db.run((t) => {
          const theirs = [...t.inbound.values()].filter((m) => m.userId === userId)
          theirs.forEach((m) => t.inbound.delete(m.record.id))
          return theirs.length
        })
    })
  )
)
