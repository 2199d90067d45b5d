import { createConnection, createServer, type Socket } from "node:net"

/**
 * A TCP relay between a server and Postgres that counts the statements the server runs, by their
 * SQL, from the frontend protocol: a simple query ('Q') counts once, an extended-protocol bind
 * ('B') counts once for the statement it binds (named statements are remembered from their parse
 * ('P'), the unnamed one is the latest unnamed parse). Bytes are relayed untouched both ways.
 * Used in the profiled round only: the relay adds a hop to every round trip.
 */
export interface StatementCounter {
  readonly port: number
  readonly counts: () => ReadonlyMap<string, number>
  readonly stop: () => Promise<void>
}

const cString = (buffer: Buffer, from: number): readonly [string, number] => {
  const end = buffer.indexOf(0, from)
  return end < 0 ? ["", buffer.length] : [buffer.toString("utf8", from, end), end + 1]
}

/** The statement's text in one line, its literal values left as they are (the bot binds parameters). */
const shapeOf = (sql: string) => sql.replace(/\s+/g, " ").trim().slice(0, 140)

export const countStatements = (target: { readonly host: string; readonly port: number }): Promise<StatementCounter> =>
  new Promise((resolve, reject) => {
    const counts = new Map<string, number>()
    const sockets = new Set<Socket>()
    const count = (sql: string) => {
      const shape = shapeOf(sql)
      counts.set(shape, (counts.get(shape) ?? 0) + 1)
    }
    const server = createServer((client) => {
      const upstream = createConnection(target)
      sockets.add(client)
      sockets.add(upstream)
      const named = new Map<string, string>()
      let pending: Buffer = Buffer.alloc(0)
      let started = false
      client.on("data", (chunk: Buffer) => {
        upstream.write(chunk)
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
        let offset = 0
        for (;;) {
          if (!started) {
            if (pending.length - offset < 8) break
            const length = pending.readInt32BE(offset)
            if (pending.length - offset < length) break
            // An SSL or GSS request is answered with one byte and followed by the real startup.
            const code = pending.readInt32BE(offset + 4)
            started = code !== 80877103 && code !== 80877104
            offset += length
            continue
          }
          if (pending.length - offset < 5) break
          const type = String.fromCharCode(pending[offset] ?? 0)
          const length = pending.readInt32BE(offset + 1)
          if (pending.length - offset < 1 + length) break
          const body = offset + 5
          if (type === "Q") count(cString(pending, body)[0])
          if (type === "P") {
            const [name, next] = cString(pending, body)
            named.set(name, cString(pending, next)[0])
          }
          if (type === "B") {
            const [, next] = cString(pending, body)
            const [statement] = cString(pending, next)
            count(named.get(statement) ?? "(unknown statement)")
          }
          offset += 1 + length
        }
        pending = pending.subarray(offset)
      })
      upstream.on("data", (chunk: Buffer) => client.write(chunk))
      const close = () => {
        client.destroy()
        upstream.destroy()
        sockets.delete(client)
        sockets.delete(upstream)
      }
      client.on("close", close)
      upstream.on("close", close)
      client.on("error", close)
      upstream.on("error", close)
    })
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resolve({
        port: typeof address === "object" && address !== null ? address.port : 0,
        counts: () => counts,
        stop: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          })
      })
    })
  })
