import { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"

/**
 * When a person agreed that their photos are kept and checked. People stored before it have none:
 * the conversation asks them before another photo is kept (unless they agreed to the terms).
 */
export const photoConsent = Effect.flatMap(SqlClient, (sql) =>
  sql.unsafe(`ALTER TABLE users ADD COLUMN photo_consent_at timestamptz;`)
)
