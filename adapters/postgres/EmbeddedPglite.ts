import { mkdir } from "node:fs/promises"
import { PGlite } from "@electric-sql/pglite"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"
import { PgClient } from "@effect/sql-pg"
import { SqlError } from "@effect/sql/SqlError"
import { Config, Effect, Layer } from "effect"
import { lockDataDir } from "./DataDirLock.js"

export interface EmbeddedPgliteOptions {
  /** Where PGlite keeps its files; created when missing. One process at a time per directory. */
  readonly dataDir: string
}

/**
 * One pooled connection. PGlite runs a single session and pglite-socket queues the protocol
 * messages of all connections onto it one message at a time: outside a transaction, the
 * Parse/Bind/Execute of two connections interleave, and one binds the other's statement
 * ("unnamed prepared statement does not exist", or worse, the wrong one). With one connection
 * nothing is lost: the session serializes everything anyway, and a transaction already holds
 * it alone. The server accepts two more: one for LISTEN, one spare for a reconnect.
 */
const poolSize = 1

const startFailed = (message: string) => (cause: unknown) => new SqlError({ cause, message })

/**
 * PGlite (Postgres compiled to WASM) served on a loopback port by pglite-socket, so the same
 * @effect/sql-pg client and the same SQL serve the embedded default.
 */
const serve = (options: EmbeddedPgliteOptions) =>
  Effect.gen(function* () {
    yield* Effect.tryPromise({
      try: () => mkdir(options.dataDir, { recursive: true }),
      catch: startFailed(`PGlite: cannot create ${options.dataDir}`)
    })
    yield* lockDataDir(options.dataDir)
    const db = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => PGlite.create(options.dataDir), catch: startFailed("PGlite: failed to open") }),
      (db) => Effect.promise(() => db.close())
    )
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: poolSize + 2 })
    yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => server.start(), catch: startFailed("PGlite: socket server failed to start") }),
      () => Effect.promise(() => server.stop())
    )
    const port = Number(server.getServerConn().split(":").at(-1))
    if (!Number.isInteger(port) || port <= 0) {
      return yield* Effect.dieMessage(`PGlite: unexpected server address ${server.getServerConn()}`)
    }
    return PgClient.layer({
      host: "127.0.0.1",
      port,
      username: "postgres",
      database: "postgres",
      maxConnections: poolSize,
      applicationName: "whatsapp-astria-bot"
    })
  })

export const EmbeddedPglite = {
  /** The embedded database in `dataDir`; closed, with its data kept, when the scope ends. */
  layer: (options: EmbeddedPgliteOptions) => Layer.unwrapScoped(serve(options)),
  /** The embedded database in `PGLITE_DATA_DIR` (default `.data/pglite`). */
  layerConfig: Layer.unwrapScoped(
    Effect.flatMap(Config.string("PGLITE_DATA_DIR").pipe(Config.withDefault(".data/pglite")), (dataDir) =>
      serve({ dataDir })
    )
  )
}
