import { SqlClient } from "@effect/sql/SqlClient"
import { Array as Arr, Effect, Layer, Option, Schema } from "effect"
import {
  AttentionItem,
  AttentionItems,
  AttentionNote,
  ConversationLine,
  type NewAttentionItem
} from "../../application/ports/AttentionItems.js"
import type { StorageUnavailable } from "../../application/ports/StorageUnavailable.js"
import { affectedAny, affectedCount, decodeRows, json } from "./PgQuery.js"

const columns = `id, number::int AS number, reason, urgent, user_id AS "userId", order_id AS "orderId", stage, detail,
  dedupe_key AS "dedupeKey", context, notes, opened_at AS "openedAt", closed_at AS "closedAt", resolution`

const encodeContext = Schema.encodeSync(Schema.Array(ConversationLine))
const encodeNote = Schema.encodeSync(AttentionNote)

export const PgAttentionItems = Layer.effect(
  AttentionItems,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const items = decodeRows(AttentionItem)
    const select = sql.literal(columns)
    const byNumber = (number: number) =>
      items(sql`SELECT ${select} FROM attention_items WHERE number = ${number}`).pipe(Effect.map(Arr.head))
    // The partial unique index on open items' keys decides between two openings at once; an item
    // closed between the insert and the look-up is simply opened again.
    const open = (item: NewAttentionItem): Effect.Effect<{ item: AttentionItem; opened: boolean }, StorageUnavailable> =>
      Effect.gen(function* () {
        const inserted = yield* items(sql`
          INSERT INTO attention_items (id, reason, urgent, user_id, order_id, stage, detail, dedupe_key, context, opened_at)
          VALUES (${item.id}, ${item.reason}, ${item.urgent}, ${Option.getOrNull(item.userId)},
                  ${Option.getOrNull(item.orderId)}, ${Option.getOrNull(item.stage)}, ${item.detail},
                  ${Option.getOrNull(item.dedupeKey)}, ${json(encodeContext(item.context))}::jsonb, ${item.openedAt})
          ON CONFLICT (dedupe_key) WHERE closed_at IS NULL DO NOTHING
          RETURNING ${select}`)
        if (inserted[0] !== undefined) return { item: inserted[0], opened: true }
        const existing = yield* items(sql`
          SELECT ${select} FROM attention_items
          WHERE dedupe_key = ${Option.getOrNull(item.dedupeKey)} AND closed_at IS NULL`)
        return existing[0] !== undefined ? { item: existing[0], opened: false } : yield* open(item)
      })
    return AttentionItems.of({
      open,
      get: byNumber,
      list: ({ state, limit, offset }) =>
        items(sql`
          SELECT ${select} FROM attention_items
          WHERE ${state === "all" ? sql`true` : state === "open" ? sql`closed_at IS NULL` : sql`closed_at IS NOT NULL`}
          ORDER BY urgent DESC, opened_at, number LIMIT ${limit} OFFSET ${offset}`),
      openForOrder: (orderId) =>
        items(sql`
          SELECT ${select} FROM attention_items WHERE order_id = ${orderId} AND closed_at IS NULL ORDER BY number`),
      close: (number, at, resolution) =>
        affectedAny(sql`
            WITH d AS (
              UPDATE attention_items SET closed_at = ${at}, resolution = ${resolution}
              WHERE number = ${number} AND closed_at IS NULL RETURNING 1)
            SELECT count(*)::int AS n FROM d`),
      closeByKey: (dedupeKey, at, resolution) =>
        affectedAny(sql`
            WITH d AS (
              UPDATE attention_items SET closed_at = ${at}, resolution = ${resolution}
              WHERE dedupe_key = ${dedupeKey} AND closed_at IS NULL RETURNING 1)
            SELECT count(*)::int AS n FROM d`),
      addNote: (number, note) =>
        affectedAny(sql`
            WITH d AS (
              UPDATE attention_items SET notes = notes || jsonb_build_array(${json(encodeNote(note))}::jsonb)
              WHERE number = ${number} RETURNING 1)
            SELECT count(*)::int AS n FROM d`),
      deleteForUser: (userId) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM attention_items WHERE user_id = ${userId} RETURNING 1)
          SELECT count(*)::int AS n FROM d`)
    })
  })
)
