import { get as httpGet } from "node:http"
import { HttpServer, HttpServerResponse } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { Context, Deferred, Effect, Exit, Fiber, Layer, Schema } from "effect"
import { TemporarilyUnavailable } from "../../contracts/http/HttpErrors.js"
import { DirectRoutes } from "../../adapters/http-node/DirectRoutes.js"
import { holdingNodeHttpServerLayer } from "../../adapters/http-node/HoldingNodeHttpServer.js"

/** A GET over a real socket: its status and body once answered, or never if the server never answers. */
const get = (url: string) =>
  Effect.async<{ readonly status: number; readonly contentType: string | undefined; readonly body: string }, Error>(
    (resume) => {
      const request = httpGet(url, (response) => {
        let body = ""
        response.setEncoding("utf8")
        response.on("data", (chunk: string) => (body += chunk))
        response.on("end", () =>
          resume(Effect.succeed({ status: response.statusCode ?? 0, contentType: response.headers["content-type"], body }))
        )
      })
      request.on("error", (error) => resume(Effect.fail(error)))
      return Effect.sync(() => request.destroy())
    }
  )

const getStatus = (url: string) => Effect.map(get(url), (answer) => answer.status)

/** A path only the composition's handler serves: the holding server answers only /health and /ready itself. */
const webhookUrl = HttpServer.addressFormattedWith((address) => Effect.succeed(`${address}/SmsReceived`))

/**
 * Resolves once a request has reached the server: a direct route that only watches, leaving every
 * request to the server. The rest of the startup (database, migrations, workers) waits for it.
 */
const arrival = Effect.gen(function* () {
  const arrived = yield* Deferred.make<void>()
  const routes = yield* DirectRoutes
  yield* routes.add(() => {
    Deferred.unsafeDone(arrived, Exit.void)
    return false
  })
  return Deferred.await(arrived)
})

const server = holdingNodeHttpServerLayer({ port: 0, host: "127.0.0.1" })

class EarlyRequest extends Context.Tag("test/EarlyRequest")<EarlyRequest, Fiber.Fiber<number, Error>>() {}

/** A request sent once the server listens, then a slow startup before serving. */
const sentBeforeServing = Layer.scoped(
  EarlyRequest,
  Effect.gen(function* () {
    const arrived = yield* arrival
    const request = yield* Effect.forkScoped(getStatus(yield* webhookUrl))
    yield* arrived
    return request
  })
)

const servingLate = HttpServer.serve(HttpServerResponse.text("served")).pipe(
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
            const arrived = yield* arrival
            yield* Effect.forkDaemon(Deferred.complete(answer, getStatus(yield* webhookUrl)))
            yield* arrived
            return yield* Effect.fail("the database is unreachable")
          })
        ).pipe(Layer.provide(server))
        const startup = yield* Effect.exit(Effect.scoped(Layer.build(failingStartup)))
        expect(Exit.isFailure(startup)).toBe(true)
        expect(yield* Deferred.await(answer)).toBe(503)
      }),
    1_000
  )

  layer(server, { excludeTestServices: true })("a composition still starting (serve not called)", (it) => {
    it.effect(
      "answers /health at once with the API's body: the process is alive",
      () =>
        Effect.gen(function* () {
          const health = yield* get(yield* HttpServer.addressFormattedWith((address) => Effect.succeed(`${address}/health`)))
          expect(health).toMatchObject({ status: 200, contentType: "application/json" })
          expect(JSON.parse(health.body)).toEqual({ status: "ok" })
        }),
      1_000
    )

    it.effect(
      "answers /ready at once with 503 in the API's TemporarilyUnavailable shape, saying it is starting",
      () =>
        Effect.gen(function* () {
          const ready = yield* get(yield* HttpServer.addressFormattedWith((address) => Effect.succeed(`${address}/ready`)))
          expect(ready).toMatchObject({ status: 503, contentType: "application/json" })
          const body = Schema.decodeUnknownSync(Schema.parseJson(TemporarilyUnavailable))(ready.body)
          expect(body.message).toMatch(/starting/)
        }),
      1_000
    )
  })

  layer(server, { excludeTestServices: true })("a composition shutting down (serving ended)", (it) => {
    it.effect(
      "answers /ready 503 saying it is stopping, and /health 200 while the process lives",
      () =>
        Effect.gen(function* () {
          yield* Effect.scoped(HttpServer.serveEffect(HttpServerResponse.text("served")))
          const ready = yield* get(yield* HttpServer.addressFormattedWith((address) => Effect.succeed(`${address}/ready`)))
          expect(ready.status).toBe(503)
          expect(Schema.decodeUnknownSync(Schema.parseJson(TemporarilyUnavailable))(ready.body).message).toMatch(/stopping/)
          const health = yield* get(yield* HttpServer.addressFormattedWith((address) => Effect.succeed(`${address}/health`)))
          expect(health.status).toBe(200)
        }),
      1_000
    )
  })
})
