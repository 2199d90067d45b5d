import { get as httpGet } from "node:http"
import { HttpServer, HttpServerResponse } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { Context, Deferred, Effect, Exit, Fiber, Layer } from "effect"
import { holdingNodeHttpServerLayer } from "../../adapters/http-node/HoldingNodeHttpServer.js"

/** A GET over a real socket: its status once answered, or never if the server never answers. */
const getStatus = (url: string) =>
  Effect.async<number, Error>((resume) => {
    const request = httpGet(url, (response) => {
      response.resume()
      response.on("end", () => resume(Effect.succeed(response.statusCode ?? 0)))
    })
    request.on("error", (error) => resume(Effect.fail(error)))
    return Effect.sync(() => request.destroy())
  })

const readyUrl = HttpServer.addressFormattedWith((address) => Effect.succeed(`${address}/ready`))

/** Long enough for a loopback request to reach the server; it stands for the database, migrations, workers. */
const restOfStartup = Effect.sleep("50 millis")

const server = holdingNodeHttpServerLayer({ port: 0, host: "127.0.0.1" })

class EarlyRequest extends Context.Tag("test/EarlyRequest")<EarlyRequest, Fiber.Fiber<number, Error>>() {}

/** A request sent once the server listens, then a slow startup before serving. */
const sentBeforeServing = Layer.scoped(
  EarlyRequest,
  Effect.gen(function* () {
    const request = yield* Effect.forkScoped(getStatus(yield* readyUrl))
    yield* restOfStartup
    return request
  })
)

const servingLate = HttpServer.serve(HttpServerResponse.text("ready")).pipe(
  Layer.provideMerge(sentBeforeServing),
  Layer.provide(server)
)

describe("the Node HTTP server before it serves", () => {
  layer(servingLate, { excludeTestServices: true })("a composition that serves late", (it) => {
    it.effect(
      "serves a request that arrived before the handler was attached",
      () =>
        Effect.gen(function* () {
          const request = yield* EarlyRequest
          expect(yield* Fiber.join(request)).toBe(200)
        }),
      1_000
    )
  })

  it.live(
    "answers 503 to a held request when serving never starts",
    () =>
      Effect.gen(function* () {
        const answer = yield* Deferred.make<number, Error>()
        const failingStartup = Layer.scopedDiscard(
          Effect.gen(function* () {
            yield* Effect.forkDaemon(Deferred.complete(answer, getStatus(yield* readyUrl)))
            yield* restOfStartup
            return yield* Effect.fail("the database is unreachable")
          })
        ).pipe(Layer.provide(server))
        const startup = yield* Effect.exit(Effect.scoped(Layer.build(failingStartup)))
        expect(Exit.isFailure(startup)).toBe(true)
        expect(yield* Deferred.await(answer)).toBe(503)
      }),
    1_000
  )
})
