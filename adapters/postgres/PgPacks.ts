import { SqlClient } from "@effect/sql/SqlClient"
import { Array as Arr, Effect, Layer, Option } from "effect"
import { PackRecord, Packs } from "../../application/ports/Packs.js"
import { decodeRows, execute, json, transactionally } from "./PgQuery.js"

const columns = `id, slug, title, tier, cover_url AS "coverUrl", samples, previews,
  preview_uploaded_at AS "previewUploadedAt", synced_at AS "syncedAt"`

export const PgPacks = Layer.effect(
  Packs,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const packs = decodeRows(PackRecord)
    const select = sql.literal(columns)
    return Packs.of({
      // Previews already rendered for a pack that stays are kept over whatever the sync brings.
      sync: (catalogue) =>
        Effect.gen(function* () {
          const ids = catalogue.map((pack) => pack.id)
          yield* execute(
            ids.length === 0 ? sql`DELETE FROM packs` : sql`DELETE FROM packs WHERE NOT ${sql.in("id", ids)}`
          )
          for (const pack of catalogue) {
            yield* execute(sql`
              INSERT INTO packs (id, slug, title, tier, cover_url, samples, previews, preview_uploaded_at, synced_at)
              VALUES (${pack.id}, ${pack.slug}, ${pack.title}, ${pack.tier}, ${Option.getOrNull(pack.coverUrl)},
                      ${json(pack.samples)}::jsonb, ${json(pack.previews)}::jsonb,
                      ${json(pack.previewUploadedAt)}::jsonb, ${pack.syncedAt})
              ON CONFLICT (id) DO UPDATE SET
                slug = EXCLUDED.slug, title = EXCLUDED.title, tier = EXCLUDED.tier, cover_url = EXCLUDED.cover_url,
                samples = EXCLUDED.samples, previews = EXCLUDED.previews || packs.previews,
                preview_uploaded_at = EXCLUDED.preview_uploaded_at || packs.preview_uploaded_at,
                synced_at = EXCLUDED.synced_at`)
          }
        }).pipe(transactionally(sql)),
      list: packs(sql`SELECT ${select} FROM packs ORDER BY id`),
      listForTier: (tier) => packs(sql`SELECT ${select} FROM packs WHERE tier = ${tier} ORDER BY id`),
      get: (id) => packs(sql`SELECT ${select} FROM packs WHERE id = ${id}`).pipe(Effect.map(Arr.head)),
      setPreview: (id, className, mediaId, uploadedAt) =>
        execute(sql`
          UPDATE packs SET previews = previews || jsonb_build_object(${className}::text, ${mediaId}::text),
            preview_uploaded_at = preview_uploaded_at || jsonb_build_object(${className}::text, ${uploadedAt.toISOString()}::text)
          WHERE id = ${id}`)
    })
  })
)
