import { Config, Effect, Layer, Option } from "effect"
import { EmbeddedPglite } from "./EmbeddedPglite.js"
import { PgClientFromUrl } from "./PgClientFromUrl.js"
import { PgStorage } from "./PgStorage.js"

/** Every storage port on a real database or on the embedded one. */
export const PostgresStorage = {
  /** On `DATABASE_URL`. */
  fromUrl: PgStorage.pipe(Layer.provide(PgClientFromUrl)),
  /** On PGlite in `PGLITE_DATA_DIR`. */
  embedded: PgStorage.pipe(Layer.provide(EmbeddedPglite.layerConfig)),
  /** On `DATABASE_URL` when it is set, else on the embedded PGlite: the zero-configuration default. */
  fromConfig: Layer.unwrapEffect(
    Effect.map(Config.option(Config.redacted("DATABASE_URL")), (url) =>
      Option.isSome(url)
        ? PgStorage.pipe(Layer.provide(PgClientFromUrl))
        : PgStorage.pipe(Layer.provide(EmbeddedPglite.layerConfig))
    )
  )
}
