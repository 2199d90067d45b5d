import { join } from "node:path"
import { Effect, Layer, Option, Redacted } from "effect"
import { pgliteDataDir } from "../../adapters/postgres/EmbeddedPglite.js"
import { astriaOverFake, paymentsOverFake } from "../../testing/FakeParts.js"
import { whatsAppOverFakeWithSimulator } from "../../testing/simulator/SimulatorRoutes.js"
import type { FakeWhatsApp } from "./StartPlan.js"

/**
 * Where the fakes keep their state, so that a restarted `npm start` is the same world as the
 * database it finds: in the data directory, beside the embedded database's own files.
 */
const fakesDataDir = Effect.map(pgliteDataDir, (dataDir) => join(dataDir, "fakes"))

/**
 * The in-process fakes of development mode: the only production module that reaches into
 * testing/, and only when the start plan chose a fake (never in production).
 */
export const DevelopmentParts = {
  /**
   * The fake Graph API with the web simulator, people, chats and media kept in the data
   * directory; it signs with the operator's app secret when one is set.
   */
  whatsapp: (settings: FakeWhatsApp) =>
    Layer.unwrapEffect(
      Effect.map(fakesDataDir, (dataDir) =>
        whatsAppOverFakeWithSimulator({
          dataDir,
          ...Option.match(settings.appSecret, { onNone: () => ({}), onSome: (secret) => ({ graph: { appSecret: Redacted.value(secret) } }) }),
          ...Option.match(settings.verifyToken, { onNone: () => ({}), onSome: (token) => ({ verifyToken: Redacted.value(token) }) })
        })
      )
    ),
  /**
   * The fake trains and renders by itself, a little faster than Astria, so a local journey ends;
   * its tunes and prompts are kept in the data directory.
   */
  astria: Layer.unwrapEffect(
    Effect.map(fakesDataDir, (dataDir) =>
      astriaOverFake({ clock: { trainingMs: 20_000, renderMs: 5_000 }, dataDir: join(dataDir, "astria") })
    )
  ),
  payments: paymentsOverFake
}
