import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Option } from "effect"
import { TuneRecord, Tunes } from "../../application/ports/Tunes.js"
import { affectedCount, decodeRows, execute } from "./PgQuery.js"

const columns = `id, user_id AS "userId", order_id AS "orderId", class_name AS "className", title,
  created_at AS "createdAt", expires_at AS "expiresAt", expired`

export const PgTunes = Layer.effect(
  Tunes,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const tunes = decodeRows(TuneRecord)
    const select = sql.literal(columns)
    return Tunes.of({
      // Astria may report the same tune twice (callback and reconciler): the first record stays.
      add: (tune) =>
        execute(sql`
          INSERT INTO tunes (id, user_id, order_id, class_name, title, created_at, expires_at, expired)
          VALUES (${tune.id}, ${tune.userId}, ${tune.orderId}, ${tune.className}, ${tune.title}, ${tune.createdAt},
                  ${Option.getOrNull(tune.expiresAt)}, ${tune.expired})
          ON CONFLICT (id) DO NOTHING`),
      savedForUser: (userId, now) =>
        tunes(sql`
          SELECT ${select} FROM tunes
          WHERE user_id = ${userId} AND NOT expired AND (expires_at IS NULL OR expires_at > ${now})
          ORDER BY created_at DESC, id DESC`),
      listForUser: (userId) =>
        tunes(sql`SELECT ${select} FROM tunes WHERE user_id = ${userId} ORDER BY created_at DESC, id DESC`),
      markExpired: (now) =>
        affectedCount(sql`
          WITH d AS (UPDATE tunes SET expired = true WHERE NOT expired AND expires_at <= ${now} RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      deleteForUser: (userId) =>
        affectedCount(sql`
          WITH d AS (DELETE FROM tunes WHERE user_id = ${userId} RETURNING 1)
          SELECT count(*)::int AS n FROM d`)
    })
  })
)
