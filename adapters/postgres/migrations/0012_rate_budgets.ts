import { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"

/**
 * Budgets of calls shared by every process (PgRateBudgets), such as one WhatsApp number's sends:
 * one row per key, holding when its budget is whole again, in milliseconds since the epoch.
 */
export const rateBudgets = Effect.flatMap(SqlClient, (sql) =>
  sql.unsafe(`CREATE TABLE rate_budgets (key text PRIMARY KEY, tat double precision NOT NULL);`)
)
