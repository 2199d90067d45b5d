import * as http from "node:http"
import { Deferred, Effect } from "effect"

export interface HoldingProxy {
  /** The target's base URL with this proxy's origin in place of the target's. */
  readonly baseUrl: string
  /** Done once the request it holds has arrived; that request is never answered. */
  readonly held: Effect.Effect<void>
}

/**
 * An HTTP proxy in front of `target` that forwards every request as it came (the Host header too,
 * so that URLs the target builds from it lead back through the proxy), except the `nth` request
 * that `holds` picks: that one is kept waiting and never forwarded, so that the process that sent
 * it is known to be in the middle of the work it needs it for. Closed with the scope.
 */
export const holdingProxy = (target: string, options: { readonly holds: (request: http.IncomingMessage) => boolean; readonly nth: number }) =>
  Effect.gen(function* () {
    const held = yield* Deferred.make<void>()
    const upstream = new URL(target)
    let matched = 0
    const server = http.createServer((request, response) => {
      if (options.holds(request) && ++matched === options.nth) {
        Deferred.unsafeDone(held, Effect.void)
        return
      }
      const forwarded = http.request(
        { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(response)
        }
      )
      forwarded.on("error", () => response.destroy())
      request.pipe(forwarded)
    })
    const port = yield* Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : 0))
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const proxy: HoldingProxy = {
      baseUrl: `http://127.0.0.1:${port}${upstream.pathname.replace(/\/$/, "")}`,
      held: Deferred.await(held)
    }
    return proxy
  })
