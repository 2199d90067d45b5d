import { Context } from "effect"
import type { Effect } from "effect"
import type { StorageUnavailable } from "../ports/StorageUnavailable.js"

/** One table's footprint: everything it holds on disk (indexes and TOAST included), and its rows as the planner estimates them. */
export interface TableSize {
  readonly table: string
  readonly bytes: number
  readonly rows: number
}

/** How big the database has grown: each table, and the bytes of the stored photos themselves. */
export interface DatabaseGrowth {
  readonly tables: ReadonlyArray<TableSize>
  readonly totalBytes: number
  readonly photoBytes: number
}

/**
 * The database's own upkeep and size. Optional: maintenance runs without it (the in-memory store
 * has nothing to analyze or measure); the Postgres storage provides it.
 */
export class TableStatistics extends Context.Tag("whatsapp-astria-bot/TableStatistics")<
  TableStatistics,
  {
    /** Refreshes the planner statistics after the weekly deletions (Postgres: `ANALYZE`). */
    readonly refresh: Effect.Effect<void, StorageUnavailable>
    /** Largest tables first. */
    readonly growth: Effect.Effect<DatabaseGrowth, StorageUnavailable>
  }
>() {}
