import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { ListenOptions } from "node:net"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer } from "effect"

/**
 * Holds the requests `server` accepts while no "request" listener is attached, and hands them, in
 * order, to the first one attached. Node drops such a request silently: nothing listens, so its
 * connection hangs until the client gives up. `refuse` answers 503 to whatever is still held.
 */
const holdEarlyRequests = (server: Server) => {
  const held: Array<readonly [IncomingMessage, ServerResponse]> = []
  const hold = (request: IncomingMessage, response: ServerResponse) => {
    held.push([request, response])
  }
  const handOver = (event: string | symbol, listener: (...args: Array<unknown>) => void) => {
    if (event !== "request" || listener === hold) return
    server.off("request", hold)
    server.off("newListener", handOver)
    for (const [request, response] of held.splice(0)) {
      // A client that gave up while held is gone: its request would only be read from a closed socket.
      if (!response.closed) listener(request, response)
    }
  }
  server.on("request", hold)
  server.on("newListener", handOver)
  return {
    refuse: () => {
      for (const [, response] of held.splice(0)) {
        response.writeHead(503, { "retry-after": "1", connection: "close" }).end()
      }
    }
  }
}

/**
 * `NodeHttpServer.layer` over `createServer`, except that requests arriving between `listen` (when
 * this layer is built) and `HttpServer.serve` (once the rest of the composition is built: database,
 * migrations, workers) wait for the handler and are then served. If serving never starts (the
 * composition fails), they are answered 503 at shutdown.
 */
export const holdingNodeHttpServerLayer = (options: ListenOptions) =>
  Layer.mergeAll(
    Layer.scoped(
      HttpServer.HttpServer,
      Effect.gen(function* () {
        const server = createServer()
        const early = holdEarlyRequests(server)
        const httpServer = yield* NodeHttpServer.make(() => server, options)
        // Added after `make`'s own finalizer, so it runs first: `server.close` waits for every open
        // connection, held ones included.
        yield* Effect.addFinalizer(() => Effect.sync(early.refuse))
        return httpServer
      })
    ),
    NodeHttpServer.layerContext
  )
