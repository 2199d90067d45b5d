import { Config, Effect, Layer, Option, Redacted } from "effect"
import { EmbeddedPglite } from "./EmbeddedPglite.js"
import { PgClientLive } from "./PgClientLive.js"
import { EmbeddedPgStorage, PgStorage } from "./PgStorage.js"

/**
 * Every storage port on a real database or on the embedded one. The client (PgClient and
 * SqlClient) is provided too, for what is not a port, such as LISTEN/NOTIFY wakeups on a real server.
 */
export const PostgresStorage = {
  /** On `DATABASE_URL`. */
  fromUrl: Layer.provideMerge(PgStorage, PgClientLive),
  /** On PGlite in `PGLITE_DATA_DIR`. */
  embedded: Layer.provideMerge(EmbeddedPgStorage, EmbeddedPglite.fromConfig),
  /**
   * On `DATABASE_URL` when it is set (and not blank, as in a `.env` line left empty), else on the
   * embedded PGlite: the zero-configuration default.
   */
  fromConfig: Layer.unwrapEffect(
    Effect.map(Config.option(Config.redacted("DATABASE_URL")), (url) =>
      Option.exists(url, (value) => Redacted.value(value).trim() !== "")
        ? Layer.provideMerge(PgStorage, PgClientLive)
        : Layer.provideMerge(EmbeddedPgStorage, EmbeddedPglite.fromConfig)
    )
  )
}
