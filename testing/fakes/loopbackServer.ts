import type { Server } from "node:http"

/** Listens on an ephemeral loopback port and answers the server's base URL. */
export const listenOnLoopback = async (server: Server, what: string): Promise<string> => {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error(`${what} is not listening on TCP`)
  return `http://127.0.0.1:${address.port}`
}

/** Closes the server at once, keep-alive connections included (a fake's scope ending must not wait for idle clients). */
export const closeServer = (server: Server): Promise<void> =>
  new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
