import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { ListenOptions } from "node:net"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Context, Effect, Layer } from "effect"
import { answerWhileNotServing } from "./answerWhileNotServing.js"
import { DirectRoutes, type DirectRoute } from "./DirectRoutes.js"

type Handler = (request: IncomingMessage, response: ServerResponse) => void

/**
 * `NodeHttpServer.layer` over `createServer`, with three differences, all in the one "request"
 * listener this server has:
 * - Requests arriving between `listen` (when this layer is built) and `HttpServer.serve` (once the
 *   rest of the composition is built: database, migrations, workers) wait for the handler and are
 *   then served, in order. Node would drop them silently: nothing listens, so their connections
 *   hang until the client gives up. If serving never starts, they are answered 503 at shutdown.
 * - Meanwhile, and again once serving has ended, `GET /health` and `GET /ready` are answered at
 *   once (`answerWhileNotServing`): alive, and not ready because starting (however long the
 *   database takes) or stopping.
 * - `DirectRoutes` added by the composition are tried first.
 * The platform's `NodeHttpServer.make` still listens, closes and reports the address. WebSocket
 * upgrades are not served: the bot has no such route.
 */
export const holdingNodeHttpServerLayer = (options: ListenOptions) =>
  Layer.mergeAll(
    Layer.scopedContext(
      Effect.gen(function* () {
        const server = createServer()
        const routes: Array<DirectRoute> = []
        const held: Array<readonly [IncomingMessage, ServerResponse]> = []
        let serving: Handler | undefined
        let stopping = false
        server.on("request", (request: IncomingMessage, response: ServerResponse) => {
          for (const route of routes) if (route(request, response)) return
          if (serving !== undefined) serving(request, response)
          else if (!answerWhileNotServing(stopping ? "stopping" : "starting", request, response)) {
            held.push([request, response])
          }
        })
        const listening = yield* NodeHttpServer.make(() => server, options)
        // Added after `make`'s own finalizer, so it runs first: `server.close` waits for every open
        // connection, held ones included.
        yield* Effect.addFinalizer(() =>
          Effect.sync(() => {
            for (const [, response] of held.splice(0)) {
              response.writeHead(503, { "retry-after": "1", connection: "close" }).end()
            }
          })
        )
        const httpServer = HttpServer.make({
          address: listening.address,
          serve: (httpApp, middleware) =>
            Effect.gen(function* () {
              const handler = yield* (middleware === undefined
                ? NodeHttpServer.makeHandler(httpApp)
                : NodeHttpServer.makeHandler(httpApp, middleware))
              yield* Effect.addFinalizer(() =>
                Effect.sync(() => {
                  serving = undefined
                  stopping = true
                })
              )
              serving = handler
              for (const [request, response] of held.splice(0)) {
                // A client that gave up while held is gone: its request would only be read from a closed socket.
                if (!response.closed) handler(request, response)
              }
            })
        })
        const directRoutes = DirectRoutes.of({
          add: (route) =>
            Effect.acquireRelease(
              Effect.sync(() => routes.push(route)),
              () =>
                Effect.sync(() => {
                  const index = routes.indexOf(route)
                  if (index >= 0) routes.splice(index, 1)
                })
            )
        })
        return Context.make(HttpServer.HttpServer, httpServer).pipe(Context.add(DirectRoutes, directRoutes))
      })
    ),
    NodeHttpServer.layerContext
  )
