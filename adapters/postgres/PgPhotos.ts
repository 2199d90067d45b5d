import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Schema } from "effect"
import { Photos, StoredPhoto } from "../../application/ports/Photos.js"
import { affectedAny, affectedCount, decodeRows } from "./PgQuery.js"

const columns = `id, user_id AS "userId", source_message_id AS "sourceMessageId", bytes, hash, width, height,
  created_at AS "createdAt"`

const HashRow = Schema.Struct({ hash: Schema.String })

export const PgPhotos = Layer.effect(
  Photos,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const photos = decodeRows(StoredPhoto)
    const hashes = decodeRows(HashRow)
    return Photos.of({
      add: (photo) =>
        affectedAny(sql`
          WITH d AS (
            INSERT INTO photos (id, user_id, source_message_id, bytes, hash, width, height, created_at)
            VALUES (${photo.id}, ${photo.userId}, ${photo.sourceMessageId}, ${photo.bytes}, ${photo.hash},
                    ${photo.width}, ${photo.height}, ${photo.createdAt})
            ON CONFLICT DO NOTHING RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      countForUser: (userId) => affectedCount(sql`SELECT count(*)::int AS n FROM photos WHERE user_id = ${userId}`),
      hashesForUser: (userId) =>
        hashes(sql`SELECT hash FROM photos WHERE user_id = ${userId} ORDER BY created_at, id`).pipe(
          Effect.map((rows) => rows.map((row) => row.hash))
        ),
      listForUser: (userId) =>
        photos(sql`SELECT ${sql.literal(columns)} FROM photos WHERE user_id = ${userId} ORDER BY created_at, id`),
      deleteForUser: (userId) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM photos WHERE user_id = ${userId} RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      deleteUnpaidOlderThan: (cutoff) =>
        affectedCount(sql`
          WITH d AS (
            DELETE FROM photos p WHERE p.created_at < ${cutoff}
              AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = p.user_id AND o.paid_at IS NOT NULL)
            RETURNING 1)
          SELECT count(*)::int AS n FROM d`)
    })
  })
)
