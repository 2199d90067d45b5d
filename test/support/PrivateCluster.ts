import { execFile } from "node:child_process"
import { chown, mkdtemp, rm } from "node:fs/promises"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { Effect } from "effect"

const run = promisify(execFile)

export interface PrivateCluster {
  /** A database named `cluster_test` on the cluster. */
  readonly url: string
  /** Kills the server at once, as a crash would (`pg_ctl stop -m immediate`). */
  readonly crash: Effect.Effect<void>
  readonly start: Effect.Effect<void>
}

/** Postgres refuses to run as root: run its tools as the postgres user then. */
const asPostgres = (command: string, args: ReadonlyArray<string>) =>
  process.getuid?.() === 0 ? run("runuser", ["-u", "postgres", "--", command, ...args]) : run(command, [...args])

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

/**
 * A Postgres cluster of the test's own (initdb in a temporary directory, on a free loopback
 * port), which the test may crash and restart without touching the shared server. Removed when
 * the scope ends. Needs initdb and pg_ctl on the PATH.
 */
export const privateCluster = Effect.gen(function* () {
  const dir = yield* Effect.acquireRelease(
    Effect.promise(() => mkdtemp(join(tmpdir(), "pg-cluster-"))),
    (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
  )
  if (process.getuid?.() === 0) {
    const { stdout } = yield* Effect.promise(() => run("id", ["-u", "postgres"]))
    const { stdout: gid } = yield* Effect.promise(() => run("id", ["-g", "postgres"]))
    yield* Effect.promise(() => chown(dir, Number(stdout.trim()), Number(gid.trim())))
  }
  const data = join(dir, "data")
  const port = yield* Effect.promise(freePort)
  yield* Effect.promise(() => asPostgres("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]))
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`
  const start = Effect.promise(() =>
    asPostgres("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"])
  ).pipe(Effect.asVoid)
  const crash = Effect.promise(() => asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])).pipe(
    Effect.asVoid
  )
  yield* Effect.acquireRelease(start, () =>
    Effect.promise(() => asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined))
  )
  yield* Effect.promise(() => asPostgres("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "cluster_test"]))
  const cluster: PrivateCluster = { url: `postgres://postgres@127.0.0.1:${port}/cluster_test`, crash, start }
  return cluster
})
