import { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"

/**
 * When each pack preview was uploaded to WhatsApp, by class, next to its media id: Meta keeps
 * uploaded media 30 days, so an id older than that is uploaded again before it is sent. Previews
 * stored before this have no time and count as due.
 */
export const previewUploadTimes = Effect.flatMap(SqlClient, (sql) =>
  sql.unsafe(`ALTER TABLE packs ADD COLUMN preview_uploaded_at jsonb NOT NULL DEFAULT '{}';`)
)
