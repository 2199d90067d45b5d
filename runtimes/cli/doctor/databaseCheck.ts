import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Option, type Redacted } from "effect"
import { PgReadiness } from "../../../adapters/postgres/PgReadiness.js"
import { PgTableStatistics } from "../../../adapters/postgres/PgTableStatistics.js"
import { TableStatistics } from "../../../application/maintenance/TableStatistics.js"
import { formatBytes } from "../output/format.js"
import { latestMigrationId } from "../../../adapters/postgres/Migrations.js"
import { Readiness } from "../../../application/ports/Readiness.js"
import type { LiveCheck } from "./runCheck.js"
import { CheckFailed, skipped, type CheckLine } from "./Verdict.js"

const part = "Database"

/** Reachable and migrated to the latest migration this code ships, as `/ready` sees it; one connection, no retries. */
export const databaseCheck = (databaseUrl: Option.Option<Redacted.Redacted<string>>): LiveCheck<never> | CheckLine =>
  Option.match(databaseUrl, {
    onNone: () => skipped(part, "reachable and migrated", "no DATABASE_URL: the embedded PGlite, opened by the bot itself (development)"),
    onSome: (url) => ({
      part,
      check: "reachable and migrated",
      run: Effect.flatMap(Readiness, (readiness) => readiness.check).pipe(
        Effect.zipRight(Effect.flatMap(TableStatistics, (statistics) => statistics.growth)),
        Effect.provide(
          Layer.merge(PgReadiness, PgTableStatistics).pipe(
            Layer.provide(PgClient.layer({ url, maxConnections: 1, connectTimeout: "5 seconds", applicationName: "whatsapp-astria-bot doctor" }))
          )
        ),
        Effect.map(
          (growth) =>
            `Postgres answers, at migration ${latestMigrationId} (the latest); ${formatBytes(growth.totalBytes)} in all, ` +
            `stored photos ${formatBytes(growth.photoBytes)}, largest ${growth.tables
              .slice(0, 3)
              .map((size) => `${size.table} ${formatBytes(size.bytes)}`)
              .join(", ")}`
        ),
        Effect.mapError((error) => new CheckFailed({ reason: error._tag === "NotReady" ? error.reason : `DATABASE_URL: ${error.message}` }))
      )
    })
  })
