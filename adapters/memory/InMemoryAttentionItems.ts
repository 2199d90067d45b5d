import { Effect, Layer, Option } from "effect"
import { AttentionItem, AttentionItems } from "../../application/ports/AttentionItems.js"
import { byTime, InMemoryDatabase, sorted } from "./InMemoryDatabase.js"
import type { Tables } from "./InMemoryDatabase.js"

const isOpen = (item: AttentionItem) => Option.isNone(item.closedAt)

/** The open item of a cause, if any: at most one, as the Postgres partial unique index keeps it. */
const openWithKey = (t: Tables, dedupeKey: string): AttentionItem | undefined =>
  [...t.attention.values()].find((item) => isOpen(item) && Option.contains(item.dedupeKey, dedupeKey))

export const InMemoryAttentionItems = Layer.effect(
  AttentionItems,
  Effect.map(InMemoryDatabase, (db) =>
    AttentionItems.of({
      open: (item) =>
        db.run((t) => {
          const same = Option.isSome(item.dedupeKey) ? openWithKey(t, item.dedupeKey.value) : undefined
          if (same !== undefined) return { item: same, opened: false }
          t.sequence += 1
          const opened = new AttentionItem({
            ...item,
            number: t.sequence,
            notes: [],
            closedAt: Option.none(),
            resolution: Option.none()
          })
          t.attention.set(opened.number, opened)
          return { item: opened, opened: true }
        }),
      get: (number) => db.run((t) => Option.fromNullable(t.attention.get(number))),
      list: ({ state, limit, offset }) =>
        db.run((t) =>
          sorted(
            [...t.attention.values()].filter((item) => state === "all" || (state === "open") === isOpen(item)),
            (a, b) => Number(b.urgent) - Number(a.urgent) || byTime(a.openedAt, b.openedAt) || a.number - b.number
          ).slice(offset, offset + limit)
        ),
      openForOrder: (orderId) =>
        db.run((t) =>
          sorted(
            [...t.attention.values()].filter(
              (item) => isOpen(item) && Option.isSome(item.orderId) && item.orderId.value === orderId
            ),
            (a, b) => a.number - b.number
          )
        ),
      close: (number, at, resolution) =>
        db.run((t) => {
          const item = t.attention.get(number)
          if (item === undefined || !isOpen(item)) return false
          t.attention.set(number, new AttentionItem({ ...item, closedAt: Option.some(at), resolution: Option.some(resolution) }))
          return true
        }),
      closeByKey: (dedupeKey, at, resolution) =>
        db.run((t) => {
          const item = openWithKey(t, dedupeKey)
          if (item === undefined) return false
          t.attention.set(item.number, new AttentionItem({ ...item, closedAt: Option.some(at), resolution: Option.some(resolution) }))
          return true
        }),
      addNote: (number, note) =>
        db.run((t) => {
          const item = t.attention.get(number)
          if (item === undefined) return false
          t.attention.set(number, new AttentionItem({ ...item, notes: [...item.notes, note] }))
          return true
        }),
      deleteForUser: (userId) =>
        db.run((t) => {
          const theirs = [...t.attention.values()].filter(
            (item) => Option.isSome(item.userId) && item.userId.value === userId
          )
          theirs.forEach((item) => t.attention.delete(item.number))
          return theirs.length
        })
    })
  )
)
