import { Context } from "effect"
import type { Effect } from "effect"
import type { StorageUnavailable } from "../ports/StorageUnavailable.js"

/**
 * Refreshes the database's planner statistics after the weekly deletions (Postgres: `ANALYZE`).
 * Optional: maintenance runs without it (the in-memory store has nothing to analyze). Defined
 * here until the storage ports hold it; the Postgres adapter provides it.
 */
export class TableStatistics extends Context.Tag("whatsapp-astria-bot/TableStatistics")<
  TableStatistics,
  { readonly refresh: Effect.Effect<void, StorageUnavailable> }
>() {}
