import { PgClient } from "@effect/sql-pg"
import type { SqlError } from "@effect/sql/SqlError"
import { Config, Effect, Layer, Schedule } from "effect"
import type { ConfigError } from "effect"

/** Settings of the connection pool to the configured database. */
export const pgClientConfig = {
  url: Config.redacted("DATABASE_URL"),
  maxConnections: Config.integer("DATABASE_POOL_SIZE").pipe(Config.withDefault(10)),
  applicationName: Config.succeed("whatsapp-astria-bot")
}

const isSqlError = (error: SqlError | ConfigError.ConfigError): error is SqlError => error._tag === "SqlError"

/**
 * About a minute of backoff while the database cannot be reached at start (a cold start next
 * to a database that is itself starting). A bad setting is not retried: it fails at once with its name.
 */
const reachable = Schedule.exponential("250 millis").pipe(
  Schedule.intersect(Schedule.recurs(8)),
  Schedule.whileInput(isSqlError),
  Schedule.tapInput((error: SqlError | ConfigError.ConfigError) =>
    Effect.logWarning("Database not reachable yet, retrying", { reason: error.message })
  )
)

/**
 * The pool to `DATABASE_URL` (pool size `DATABASE_POOL_SIZE`, default 10). A failed build is
 * retried, so that a runtime which caches its layers is not poisoned by one failed cold start.
 */
export const PgClientLive = PgClient.layerConfig(pgClientConfig).pipe(Layer.retry(reachable))
