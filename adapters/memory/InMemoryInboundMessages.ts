import { Effect, Layer, Option } from "effect"
import { InboundMessageRecord, InboundMessages } from "../../application/ports/InboundMessages.js"
import type { RecordedArrival } from "../../application/ports/InboundMessages.js"
import { asJson, InMemoryDatabase, type Tables } from "./InMemoryDatabase.js"
import { addEvents } from "./InMemoryOutbox.js"
import { findUser } from "./InMemoryUsers.js"

/**
 * Marks a message's id seen; false when it had been (or its history is still there). The ids
 * are kept apart from the history, which retention deletes sooner than Meta stops redelivering.
 */
const firstSighting = (t: Tables, record: InboundMessageRecord, seenAt: Date): boolean => {
  if (t.seenInbound.has(record.id) || t.inbound.has(record.id)) return false
  t.seenInbound.set(record.id, seenAt)
  return true
}

/** Stores the history row, as the sender's when they are known; answers their user id. */
const store = (t: Tables, record: InboundMessageRecord): string | undefined => {
  const userId = Option.getOrUndefined(Option.map(findUser(t, record.sender), (row) => row.record.id))
  t.inbound.set(record.id, { record: new InboundMessageRecord({ ...record, payload: asJson(record.payload) }), userId })
  return userId
}

export const InMemoryInboundMessages = Layer.effect(
  InboundMessages,
  Effect.map(InMemoryDatabase, (db) =>
    InboundMessages.of({
      recordArrivals: (arrivals) =>
        db.run((t) => {
          const recorded: Array<RecordedArrival> = []
          for (const { message, event } of arrivals) {
            if (!firstSighting(t, message, event.createdAt)) continue
            const userId = store(t, message)
            const stored = { ...event, key: userId ?? event.key }
            addEvents(t, [stored])
            recorded.push({ messageId: message.id, event: stored })
          }
          return recorded
        }),
      recordUnanswered: (messages, seenAt) =>
        db.run((t) => {
          let recorded = 0
          for (const message of messages) {
            if (!firstSighting(t, message, seenAt)) continue
            store(t, message)
            recorded += 1
          }
          return recorded
        }),
      forgetSeenBefore: (cutoff) =>
        db.run((t) => {
          const old = [...t.seenInbound].filter(([, seenAt]) => seenAt < cutoff)
          old.forEach(([id]) => t.seenInbound.delete(id))
          return old.length
        }),
      attribute: (id, userId) =>
        db.run((t) => {
          const row = t.inbound.get(id)
          if (row !== undefined) t.inbound.set(id, { ...row, userId })
        }),
      countForUser: (userId) => db.run((t) => [...t.inbound.values()].filter((m) => m.userId === userId).length),
      recentForUser: (userId, limit) =>
        db.run((t) =>
          [...t.inbound.values()]
            .filter((m) => m.userId === userId)
            .map(({ record }) => ({ id: record.id, kind: record.kind, payload: record.payload, receivedAt: record.receivedAt }))
            .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime())
            .slice(0, limit)
        ),
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
