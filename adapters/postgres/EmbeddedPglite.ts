import { mkdir, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
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

/**
 * Postgres's shared buffers in PGlite: 16 MB instead of the 128 MB it otherwise sets up at every
 * start, a third of the CPU time of opening an existing data directory (2.0 s against 1.4 s, load 10,
 * 2026-12-06). The embedded database is a development one, a few MB; its files stay in the OS cache.
 */
const sharedBuffers = ["-c", "shared_buffers=16MB"]

const startFailed = (message: string) => (cause: unknown) => new SqlError({ cause, message })

/** Postgres's name for its socket file in a socket directory: how node-postgres finds it from `host` and `port`. */
const socketPort = 5432

/**
 * A directory only this user can enter (mkdtemp creates it 0700), removed with what is in it when
 * the scope ends. PGlite has no authentication: a loopback port would let anyone on the machine in.
 */
const privateSocketDir = Effect.acquireRelease(
  Effect.tryPromise({
    try: () => mkdtemp(join(tmpdir(), "pglite-socket-")),
    catch: startFailed("PGlite: cannot create a private socket directory")
  }),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

/**
 * PGlite (Postgres compiled to WASM) served by pglite-socket on a unix socket in a private
 * directory, so the same @effect/sql-pg client and the same SQL serve the embedded default, and
 * no other user of the machine can reach it.
 */
const serve = (options: EmbeddedPgliteOptions) =>
  Effect.gen(function* () {
    // Loaded when the embedded database starts rather than with this module, which every runtime
    // imports: a process on DATABASE_URL (Functions, the pods) never loads PGlite (bench/cold-start).
    const [{ PGlite }, { PGLiteSocketServer }] = yield* Effect.tryPromise({
      try: () => Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite-socket")]),
      catch: startFailed("PGlite: cannot be loaded")
    })
    yield* Effect.tryPromise({
      try: () => mkdir(options.dataDir, { recursive: true }),
      catch: startFailed(`PGlite: cannot create ${options.dataDir}`)
    })
    yield* lockDataDir(options.dataDir)
    const db = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => PGlite.create(options.dataDir, { startParams: [...PGlite.defaultStartParams, ...sharedBuffers] }),
        catch: startFailed("PGlite: failed to open")
      }),
      (db) => Effect.promise(() => db.close())
    )
    const socketDir = yield* privateSocketDir
    const server = new PGLiteSocketServer({
      db,
      path: join(socketDir, `.s.PGSQL.${socketPort}`),
      maxConnections: poolSize + 2
    })
    yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => server.start(), catch: startFailed("PGlite: socket server failed to start") }),
      () => Effect.promise(() => server.stop())
    )
    return PgClient.layer({
      // A directory as host: node-postgres connects to `${host}/.s.PGSQL.${port}`.
      host: socketDir,
      port: socketPort,
      username: "postgres",
      database: "postgres",
      maxConnections: poolSize,
      applicationName: "whatsapp-astria-bot"
    })
  })

/** Where the embedded database keeps its files: `PGLITE_DATA_DIR` (default `.data/pglite`). */
export const pgliteDataDir = Config.string("PGLITE_DATA_DIR").pipe(Config.withDefault(".data/pglite"))

export const EmbeddedPglite = {
  /** The embedded database in `dataDir`; closed, with its data kept, when the scope ends. */
  layer: (options: EmbeddedPgliteOptions) => Layer.unwrapScoped(serve(options)),
  /** The embedded database in `PGLITE_DATA_DIR` (default `.data/pglite`). */
  fromConfig: Layer.unwrapScoped(
    Effect.flatMap(pgliteDataDir, (dataDir) =>
      serve({ dataDir })
    )
  )
}
