import { mkdtempSync, rmSync } from "node:fs"
import { readdir, readFile, readlink, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PgClient } from "@effect/sql-pg"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { EmbeddedPglite } from "../../adapters/postgres/EmbeddedPglite.js"

const root = mkdtempSync(join(tmpdir(), "pglite-private-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** The inodes of the TCP sockets in LISTEN state (0A) that this process holds open. */
const ownListeningTcpSockets = Effect.promise(async () => {
  const fds = await readdir("/proc/self/fd")
  const links = await Promise.all(fds.map((fd) => readlink(join("/proc/self/fd", fd)).catch(() => "")))
  const own = new Set(links.flatMap((link) => /^socket:\[(\d+)\]$/.exec(link)?.slice(1) ?? []))
  const tables = await Promise.all(["/proc/net/tcp", "/proc/net/tcp6"].map((table) => readFile(table, "utf8")))
  return tables
    .flatMap((table) => table.split("\n").slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter((columns) => columns[3] === "0A" && own.has(columns[9] ?? ""))
    .map((columns) => columns[9])
})

describe("embedded PGlite", () => {
  it.live(
    "is served on a unix socket in a private directory, opens no TCP port, and removes the socket at shutdown",
    () =>
      Effect.gen(function* () {
        const before = yield* ownListeningTcpSockets
        const socketDir = yield* Effect.scoped(
          Effect.gen(function* () {
            const context = yield* Layer.build(EmbeddedPglite.layer({ dataDir: join(root, "data") }))
            const client = Context.get(context, PgClient.PgClient)
            expect(yield* client`select 1 as one`).toEqual([{ one: 1 }])
            expect(yield* ownListeningTcpSockets).toEqual(before)
            const host = client.config.host ?? ""
            const dir = yield* Effect.promise(() => stat(host))
            expect(dir.isDirectory()).toBe(true)
            expect(dir.mode & 0o777).toBe(0o700)
            expect(dir.uid).toBe(process.getuid?.())
            const socket = yield* Effect.promise(() => stat(join(host, `.s.PGSQL.${client.config.port ?? 5432}`)))
            expect(socket.isSocket()).toBe(true)
            return host
          })
        )
        expect(yield* Effect.promise(() => stat(socketDir).then(() => "still there", () => "removed"))).toBe("removed")
      }),
    60_000
  )
})
