import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Option } from "effect"
import { Feedback, FeedbackRecord } from "../../application/ports/Feedback.js"
import { affectedCount, decodeRows, execute } from "./PgQuery.js"

const columns = `id, user_id AS "userId", order_id AS "orderId", text, at, handled`

export const PgFeedback = Layer.effect(
  Feedback,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const feedback = decodeRows(FeedbackRecord)
    return Feedback.of({
      addRating: (rating) =>
        execute(sql`
          INSERT INTO ratings (user_id, order_id, stars, at)
          VALUES (${rating.userId}, ${Option.getOrNull(rating.orderId)}, ${rating.stars}, ${rating.at})`),
      addFeedback: (record) =>
        execute(sql`
          INSERT INTO feedback (id, user_id, order_id, text, at, handled)
          VALUES (${record.id}, ${record.userId}, ${Option.getOrNull(record.orderId)}, ${record.text}, ${record.at},
                  ${record.handled})
          ON CONFLICT (id) DO NOTHING`),
      awaitingSupport: feedback(sql`
        SELECT ${sql.literal(columns)} FROM feedback WHERE NOT handled ORDER BY at, id`),
      deleteForUser: (userId) =>
        affectedCount(sql`
          WITH r AS (DELETE FROM ratings WHERE user_id = ${userId} RETURNING 1),
               f AS (DELETE FROM feedback WHERE user_id = ${userId} RETURNING 1)
          SELECT ((SELECT count(*) FROM r) + (SELECT count(*) FROM f))::int AS n`)
    })
  })
)
