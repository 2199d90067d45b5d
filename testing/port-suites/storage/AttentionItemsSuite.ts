import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { Layer } from "effect"
import {
  AttentionItems,
  AttentionNote,
  ConversationLine,
  NewAttentionItem
} from "../../../application/ports/AttentionItems.js"
import type { AttentionReason } from "../../../domain/attention/AttentionReason.js"
import type { OrderId, UserId } from "../../../domain/ids.js"
import { at, orderId, unique, userId, uuid } from "./fixtures.js"

const newItem = (
  fields: {
    readonly reason?: AttentionReason
    readonly userId?: UserId
    readonly orderId?: OrderId
    readonly dedupeKey?: string
    readonly urgent?: boolean
    readonly openedAt?: Date
  } = {}
) =>
  new NewAttentionItem({
    id: uuid(),
    reason: fields.reason ?? "HelpRequested",
    urgent: fields.urgent ?? false,
    userId: Option.fromNullable(fields.userId),
    orderId: Option.fromNullable(fields.orderId),
    stage: Option.some("PicturesLoaded"),
    detail: "asked for help",
    dedupeKey: Option.fromNullable(fields.dedupeKey),
    context: [new ConversationLine({ at: at(0), from: "person", text: "hello?" })],
    openedAt: fields.openedAt ?? at(1)
  })

/** The guarantees of every AttentionItems adapter. */
export const attentionItemsSuite = <E>(name: string, layer: Layer.Layer<AttentionItems, E>) =>
  describe(`AttentionItems contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("opens an item with a number, keeps what it was opened with, notes and closes it once", () =>
        Effect.gen(function* () {
          const items = yield* AttentionItems
          const owner = userId()
          const order = orderId()
          const { item, opened } = yield* items.open(newItem({ userId: owner, orderId: order, reason: "TrainingFailed" }))
          expect(opened).toBe(true)
          expect(item).toMatchObject({ reason: "TrainingFailed", userId: Option.some(owner), orderId: Option.some(order) })
          expect(item.context).toEqual([new ConversationLine({ at: at(0), from: "person", text: "hello?" })])
          expect(yield* items.get(item.number)).toEqual(Option.some(item))
          expect((yield* items.openForOrder(order)).map((found) => found.number)).toEqual([item.number])

          const note = new AttentionNote({ at: at(2), author: "support", text: "retried" })
          expect(yield* items.addNote(item.number, note)).toBe(true)
          expect(Option.map(yield* items.get(item.number), (found) => found.notes)).toEqual(Option.some([note]))

          expect(yield* items.close(item.number, at(3), "refunded")).toBe(true)
          expect(yield* items.close(item.number, at(4), "again")).toBe(false)
          const closed = yield* items.get(item.number)
          expect(Option.map(closed, (found) => [found.closedAt, found.resolution])).toEqual(
            Option.some([Option.some(at(3)), Option.some("refunded")])
          )
          expect(yield* items.openForOrder(order)).toEqual([])
          expect(yield* items.addNote(-1, note)).toBe(false)
          expect(yield* items.get(-1)).toEqual(Option.none())
        }))

      it.effect("keeps one open item per key, however many open it at once, and a new one after it closes", () =>
        Effect.gen(function* () {
          const items = yield* AttentionItems
          const key = unique("astria-out-of-credits")
          const results = yield* Effect.all(
            Array.from({ length: 6 }, () => items.open(newItem({ reason: "AstriaOutOfCredits", dedupeKey: key, urgent: true }))),
            { concurrency: "unbounded" }
          )
          expect(results.filter((result) => result.opened)).toHaveLength(1)
          expect(new Set(results.map((result) => result.item.number)).size).toBe(1)
          const first = results[0]!.item
          yield* items.close(first.number, at(5), "credits bought")
          const again = yield* items.open(newItem({ reason: "AstriaOutOfCredits", dedupeKey: key, urgent: true }))
          expect(again.opened).toBe(true)
          expect(again.item.number).not.toBe(first.number)
          // A cause that went away by itself closes its item; the next occurrence is told again.
          expect(yield* items.closeByKey(key, at(6), "cleared")).toBe(true)
          expect(yield* items.closeByKey(key, at(7), "cleared")).toBe(false)
          expect(Option.flatMap(yield* items.get(again.item.number), (found) => found.resolution)).toEqual(Option.some("cleared"))
          expect((yield* items.open(newItem({ reason: "AstriaOutOfCredits", dedupeKey: key, urgent: true }))).opened).toBe(true)
        }))

      it.effect("lists urgent items first, then the oldest; open, closed or all; and erases a person's", () =>
        Effect.gen(function* () {
          const items = yield* AttentionItems
          const owner = userId()
          const older = (yield* items.open(newItem({ userId: owner, openedAt: at(-2_000_000) }))).item
          const urgent = (yield* items.open(newItem({ userId: owner, urgent: true, dedupeKey: unique("k") }))).item
          const closed = (yield* items.open(newItem({ userId: owner }))).item
          yield* items.close(closed.number, at(9), "answered")
          const open = (yield* items.list({ state: "open", limit: 10_000, offset: 0 })).map((item) => item.number)
          expect(open.indexOf(urgent.number)).toBeLessThan(open.indexOf(older.number))
          expect(open).not.toContain(closed.number)
          const done = (yield* items.list({ state: "closed", limit: 10_000, offset: 0 })).map((item) => item.number)
          expect(done).toContain(closed.number)
          expect(done).not.toContain(older.number)
          const all = (yield* items.list({ state: "all", limit: 10_000, offset: 0 })).map((item) => item.number)
          expect(all).toEqual(expect.arrayContaining([older.number, urgent.number, closed.number]))
          expect(yield* items.deleteForUser(owner)).toBe(3)
          expect(yield* items.get(older.number)).toEqual(Option.none())
          expect(yield* items.deleteForUser(owner)).toBe(0)
        }))
    })
  })
