import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Schema } from "effect"
import { TableStatistics } from "../../application/maintenance/TableStatistics.js"
import { decodeRows, execute } from "./PgQuery.js"

const TableRow = Schema.Struct({ table: Schema.String, bytes: Schema.NumberFromString, rows: Schema.Number })
const BytesRow = Schema.Struct({ bytes: Schema.NumberFromString })

/** `ANALYZE` and the size of each table of the bot's schema (the one on the search path). */
export const PgTableStatistics = Layer.effect(
  TableStatistics,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const tables = decodeRows(TableRow)
    const bytes = decodeRows(BytesRow)
    return TableStatistics.of({
      refresh: execute(sql`ANALYZE`),
      growth: Effect.gen(function* () {
        const sizes = yield* tables(sql`
          SELECT c.relname AS table, pg_total_relation_size(c.oid)::text AS bytes, greatest(c.reltuples, 0)::float8 AS rows
          FROM pg_class c
          WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
          ORDER BY pg_total_relation_size(c.oid) DESC, c.relname`)
        // The stored length of each photo (read from its TOAST pointer, not its bytes).
        const photos = yield* bytes(sql`SELECT coalesce(sum(octet_length(bytes)), 0)::text AS bytes FROM photos`)
        return {
          tables: sizes,
          totalBytes: sizes.reduce((sum, size) => sum + size.bytes, 0),
          photoBytes: photos[0]?.bytes ?? 0
        }
      })
    })
  })
)
