import { Effect, Layer } from "effect"
import { InboundMessageRecord, InboundMessages } from "../../application/ports/InboundMessages.js"
import { asJson, InMemoryDatabase } from "./InMemoryDatabase.js"

export const InMemoryInboundMessages = Layer.effect(
  InboundMessages,
  Effect.map(InMemoryDatabase, (db) =>
    InboundMessages.of({
      recordIfNew: (record) =>
        db.run((t) => {
          if (t.inbound.has(record.id)) return false
          t.inbound.set(record.id, new InboundMessageRecord({ ...record, payload: asJson(record.payload) }))
          return true
        }),
      countForUser: (userId) => db.run((t) => [...t.inbound.values()].filter((m) => m.userId === userId).length),
      deleteOlderThan: (cutoff) =>
        db.run((t) => {
          const old = [...t.inbound.values()].filter((m) => m.receivedAt < cutoff)
          old.forEach((m) => t.inbound.delete(m.id))
          return old.length
        }),
      deleteForUser: (userId) =>
        db.run((t) => {
          const theirs = [...t.inbound.values()].filter((m) => m.userId === userId)
          theirs.forEach((m) => t.inbound.delete(m.id))
          return theirs.length
        })
    })
  )
)
