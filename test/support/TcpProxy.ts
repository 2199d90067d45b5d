import { createConnection, createServer } from "node:net"
import type { Socket } from "node:net"
import { Effect } from "effect"

export interface TcpProxy {
  readonly port: number
  /** The database "goes down": open connections are cut and new ones are refused at once. */
  readonly cut: Effect.Effect<void>
  /** It is back. */
  readonly restore: Effect.Effect<void>
}

/**
 * A loopback TCP proxy to `host:port` that a test can cut and restore, to see what the adapters
 * do when the database disappears, without touching the shared server.
 */
export const tcpProxy = (target: { readonly host: string; readonly port: number }) =>
  Effect.gen(function* () {
    let up = true
    const sockets = new Set<Socket>()
    const server = createServer((client) => {
      if (!up) {
        client.destroy()
        return
      }
      const upstream = createConnection(target.port, target.host)
      for (const socket of [client, upstream]) {
        sockets.add(socket)
        socket.on("close", () => sockets.delete(socket))
        socket.on("error", () => {
          client.destroy()
          upstream.destroy()
        })
      }
      client.pipe(upstream)
      upstream.pipe(client)
    })
    const port = yield* Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          resume(typeof address === "object" && address !== null ? Effect.succeed(address.port) : Effect.dieMessage("no port"))
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          sockets.forEach((socket) => socket.destroy())
          server.close(() => resume(Effect.void))
        })
    )
    const proxy: TcpProxy = {
      port,
      cut: Effect.sync(() => {
        up = false
        sockets.forEach((socket) => socket.destroy())
      }),
      restore: Effect.sync(() => {
        up = true
      })
    }
    return proxy
  })
