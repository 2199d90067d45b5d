import { HttpApi, HttpApiBuilder, HttpLayerRouter, HttpServerResponse, OpenApi } from "@effect/platform"
import { Effect, Layer } from "effect"

/**
 * The OpenAPI document at /docs/openapi.json and Swagger UI at /docs, as `HttpApiSwagger.layer` and
 * `HttpApiBuilder.middlewareOpenApi` serve them, but made on their first request instead of when the
 * API is built: both walk the whole API into JSON schemas and the page inlines Swagger UI's 1.9 MB
 * of script into one string, which was most of a tenth of the Functions handler's cold start
 * (bench/cold-start). Swagger UI's module is imported then too: the bundle (deploy/bundle.ts) keeps
 * it in a file of its own, which a start does not read.
 * Uninterruptible: a request given up while one is being made must not leave its cache failed.
 */
export const ApiDocsLive = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const { api } = yield* HttpApi.Api
    const document = yield* Effect.cached(
      Effect.suspend(() => HttpServerResponse.json(OpenApi.fromApi(api))).pipe(Effect.orDie, Effect.uninterruptible)
    )
    const page = yield* Effect.cached(
      Effect.gen(function* () {
        const pageRouter = yield* HttpLayerRouter.make
        const { layerHttpLayerRouter } = yield* Effect.promise(() => import("@effect/platform/HttpApiSwagger"))
        yield* Layer.build(layerHttpLayerRouter({ api, path: "/docs" })).pipe(
          Effect.provideService(HttpLayerRouter.HttpRouter, pageRouter),
          Effect.scoped
        )
        return pageRouter.asHttpEffect()
      }).pipe(Effect.uninterruptible)
    )
    yield* router.get("/docs", Effect.scoped(Effect.flatten(page)))
    yield* router.get("/docs/openapi.json", document)
  })
)
