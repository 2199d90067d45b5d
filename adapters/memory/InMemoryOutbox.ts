import { Duration, Effect, Layer } from "effect"
import { Outbox, OutboxEvent } from "../../application/ports/Outbox.js"
import type { NewOutboxEvent } from "../../application/ports/Outbox.js"
import { byTime, InMemoryDatabase, sorted } from "./InMemoryDatabase.js"
import type { OutboxRow, Tables } from "./InMemoryDatabase.js"

const inCreationOrder = (a: OutboxRow, b: OutboxRow) => byTime(a.event.createdAt, b.event.createdAt) || a.seq - b.seq

/** Writes new events, numbered in the order given (as the table's identity column numbers them). */
export const addEvents = (t: Tables, events: ReadonlyArray<NewOutboxEvent>) => {
  for (const event of events) {
    if (t.outbox.has(event.id)) throw new Error(`Outbox: duplicate event id ${event.id}`)
    t.sequence += 1
    t.outbox.set(event.id, {
      event: new OutboxEvent({
        id: event.id,
        eventType: event.eventType,
        key: event.key,
        body: event.body,
        createdAt: event.createdAt,
        attempts: 0
      }),
      seq: t.sequence,
      nextAttemptAt: event.availableAt ?? event.createdAt,
      publishedAt: undefined,
      lastError: undefined
    })
  }
}

export const InMemoryOutbox = Layer.effect(
  Outbox,
  Effect.map(InMemoryDatabase, (db) =>
    Outbox.of({
      add: (events) => db.run((t) => addEvents(t, events)),
      claim: (limit, now, lease) =>
        db.run((t) => {
          const until = new Date(now.getTime() + Duration.toMillis(lease))
          const due = sorted(
            [...t.outbox.values()].filter((row) => row.publishedAt === undefined && row.nextAttemptAt <= now),
            inCreationOrder
          ).slice(0, limit)
          return due.map((row) => {
            const event = new OutboxEvent({ ...row.event, attempts: row.event.attempts + 1 })
            t.outbox.set(event.id, { ...row, event, nextAttemptAt: until })
            return event
          })
        }),
      markPublished: (ids, now) =>
        db.run((t) => {
          for (const id of ids) {
            const row = t.outbox.get(id)
            if (row && row.publishedAt === undefined) t.outbox.set(id, { ...row, publishedAt: now })
          }
        }),
      retryAt: (ids, at, reason) =>
        db.run((t) => {
          for (const id of ids) {
            const row = t.outbox.get(id)
            if (row && row.publishedAt === undefined) t.outbox.set(id, { ...row, nextAttemptAt: at, lastError: reason })
          }
        }),
      stats: db.run((t) => {
        const rows = [...t.outbox.values()]
        const pending = sorted(rows.filter((row) => row.publishedAt === undefined), inCreationOrder)
        return {
          pending: pending.length,
          published: rows.length - pending.length,
          oldestPendingAt: pending[0]?.event.createdAt
        }
      }),
      deletePublishedBefore: (cutoff) =>
        db.run((t) => {
          const old = [...t.outbox.values()].filter((row) => row.publishedAt !== undefined && row.publishedAt < cutoff)
          old.forEach((row) => t.outbox.delete(row.event.id))
          return old.length
        }),
      deleteForKey: (key) =>
        db.run((t) => {
          const keyed = [...t.outbox.values()].filter((row) => row.event.key === key)
          keyed.forEach((row) => t.outbox.delete(row.event.id))
          return keyed.length
        })
    })
  )
)
