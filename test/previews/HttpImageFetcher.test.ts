import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Layer } from "effect"
import { ImageFetcher } from "../../application/ports/ImageFetcher.js"
import { httpImageFetcherLayer } from "../../adapters/http-fetch/HttpImageFetcher.js"

const maxBytes = 1_000
const jpegLike = new Uint8Array(600).fill(7)

/** A server whose paths behave as hosts do: fine, too big (declared or not), missing, busy, silent. */
const startServer = Effect.acquireRelease(
  Effect.async<{ readonly server: Server; readonly baseUrl: string; readonly hits: Map<string, number> }>((resume) => {
    const hits = new Map<string, number>()
    const server = createServer((request, response) => {
      const path = request.url ?? "/"
      const hit = (hits.get(path) ?? 0) + 1
      hits.set(path, hit)
      switch (path) {
        case "/ok.jpg":
          return response.writeHead(200, { "content-type": "image/jpeg" }).end(jpegLike)
        case "/declared-too-big.jpg":
          return response.writeHead(200, { "content-length": String(maxBytes + 1) }).end(new Uint8Array(maxBytes + 1))
        case "/streamed-too-big.jpg":
          // No Content-Length: the limit is found while reading.
          response.writeHead(200, { "content-type": "image/jpeg" })
          response.write(new Uint8Array(maxBytes))
          return response.end(new Uint8Array(maxBytes))
        case "/empty.jpg":
          return response.writeHead(200).end()
        case "/busy-once.jpg":
          return hit === 1 ? response.writeHead(503).end() : response.writeHead(200).end(jpegLike)
        case "/always-busy.jpg":
          return response.writeHead(429).end()
        case "/silent.jpg":
          return // never answers
        default:
          return response.writeHead(404).end()
      }
    })
    server.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({ server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits }))
    )
  }),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
)

const fetcher = httpImageFetcherLayer({ timeout: Duration.millis(500), maxBytes, retries: 2 }).pipe(
  Layer.provide(FetchHttpClient.layer)
)

const fetchEither = (url: string) => Effect.flatMap(ImageFetcher, (port) => Effect.either(port.fetch(url)))
const failureOf = (result: Either.Either<Uint8Array, { readonly _tag: string; readonly message: string }>) =>
  Either.isLeft(result) ? { tag: result.left._tag, message: result.left.message } : "fetched"

describe("the HTTP image fetcher", () => {
  it.scopedLive("downloads an image's bytes", () =>
    Effect.gen(function* () {
      const { baseUrl } = yield* startServer
      const result = yield* fetchEither(`${baseUrl}/ok.jpg`)
      expect(Either.getOrThrow(result)).toEqual(jpegLike)
    }).pipe(Effect.provide(fetcher))
  )

  it.scopedLive("refuses bodies over the limit, declared or streamed, and empty ones, without retrying", () =>
    Effect.gen(function* () {
      const { baseUrl, hits } = yield* startServer
      for (const path of ["/declared-too-big.jpg", "/streamed-too-big.jpg"]) {
        expect(failureOf(yield* fetchEither(`${baseUrl}${path}`)), path).toEqual({
          tag: "ImageRefused",
          message: expect.stringMatching(/larger than 1000 bytes/)
        })
        expect(hits.get(path)).toBe(1)
      }
      expect(failureOf(yield* fetchEither(`${baseUrl}/empty.jpg`))).toEqual({ tag: "ImageRefused", message: expect.stringMatching(/empty/) })
    }).pipe(Effect.provide(fetcher))
  )

  it.scopedLive("refuses a missing image and a link that is not http(s); names only the host", () =>
    Effect.gen(function* () {
      const { baseUrl, hits } = yield* startServer
      const missing = failureOf(yield* fetchEither(`${baseUrl}/missing.jpg?signature=secret`))
      expect(missing).toEqual({ tag: "ImageRefused", message: expect.stringMatching(/HTTP 404/) })
      expect(JSON.stringify(missing)).not.toMatch(/secret|missing\.jpg/)
      expect(hits.get("/missing.jpg?signature=secret")).toBe(1)
      expect(failureOf(yield* fetchEither("file:///etc/passwd"))).toEqual({ tag: "ImageRefused", message: expect.any(String) })
      expect(failureOf(yield* fetchEither("not a url"))).toEqual({ tag: "ImageRefused", message: expect.any(String) })
    }).pipe(Effect.provide(fetcher))
  )

  it.scopedLive("tries a busy host again, and gives up as unavailable after the retries", () =>
    Effect.gen(function* () {
      const { baseUrl, hits } = yield* startServer
      expect(Either.getOrThrow(yield* fetchEither(`${baseUrl}/busy-once.jpg`))).toEqual(jpegLike)
      expect(failureOf(yield* fetchEither(`${baseUrl}/always-busy.jpg`))).toEqual({
        tag: "ImageUnavailable",
        message: expect.stringMatching(/HTTP 429/)
      })
      expect(hits.get("/always-busy.jpg")).toBe(3)
    }).pipe(Effect.provide(fetcher))
  )

  it.scopedLive("gives up on a host that does not answer within the timeout", () =>
    Effect.gen(function* () {
      const { baseUrl } = yield* startServer
      const started = Date.now()
      expect(failureOf(yield* fetchEither(`${baseUrl}/silent.jpg`))).toEqual({
        tag: "ImageUnavailable",
        message: expect.stringMatching(/did not arrive within/)
      })
      // Three attempts of 500 ms and two short back-offs, not a hang.
      expect(Date.now() - started).toBeLessThan(5_000)
    }).pipe(Effect.provide(fetcher)),
    15_000
  )
})
