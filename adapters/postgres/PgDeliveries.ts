import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Schema } from "effect"
import { Deliveries } from "../../application/ports/Deliveries.js"
import { affectedAny, affectedCount, decodeRows, json } from "./PgQuery.js"

const UrlsRow = Schema.Struct({ urls: Schema.Array(Schema.String) })

export const PgDeliveries = Layer.effect(
  Deliveries,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const urls = decodeRows(UrlsRow)
    return Deliveries.of({
      // The order's user is copied onto the row, so erasing a person finds it after the order is gone.
      claimPrompt: (orderId, promptId, imageUrls, now) =>
        affectedAny(sql`
          WITH d AS (
            INSERT INTO generated_images (order_id, prompt_id, user_id, image_urls, claimed_at)
            VALUES (${orderId}, ${promptId}, (SELECT user_id FROM orders WHERE id = ${orderId}),
                    ${json(imageUrls)}::jsonb, ${now})
            ON CONFLICT DO NOTHING RETURNING 1)
          SELECT count(*)::int AS n FROM d`),
      imagesForOrder: (orderId) =>
        urls(sql`
          SELECT image_urls AS urls FROM generated_images WHERE order_id = ${orderId}
          ORDER BY claimed_at, prompt_id`).pipe(Effect.map((rows) => rows.flatMap((row) => row.urls))),
      deleteForUser: (userId) =>
        affectedCount(sql`
          WITH d AS (
            DELETE FROM generated_images
            WHERE user_id = ${userId} OR order_id IN (SELECT id FROM orders WHERE user_id = ${userId})
            RETURNING 1)
          SELECT count(*)::int AS n FROM d`)
    })
  })
)
