import { Option, Redacted } from "effect"
import { astriaOverFake, paymentsOverFake } from "../../testing/FakeParts.js"
import { whatsAppOverFakeWithSimulator } from "../../testing/simulator/SimulatorRoutes.js"
import type { FakeWhatsApp } from "./StartPlan.js"

/**
 * The in-process fakes of development mode: the only production module that reaches into
 * testing/, and only when the start plan chose a fake (never in production).
 */
export const DevelopmentParts = {
  /** The fake Graph API with the web simulator; it signs with the operator's app secret when one is set. */
  whatsapp: (settings: FakeWhatsApp) =>
    whatsAppOverFakeWithSimulator({
      ...Option.match(settings.appSecret, { onNone: () => ({}), onSome: (secret) => ({ graph: { appSecret: Redacted.value(secret) } }) }),
      ...Option.match(settings.verifyToken, { onNone: () => ({}), onSome: (token) => ({ verifyToken: Redacted.value(token) }) })
    }),
  /** The fake trains and renders by itself, a little faster than Astria, so a local journey ends. */
  astria: astriaOverFake({ clock: { trainingMs: 20_000, renderMs: 5_000 } }),
  payments: paymentsOverFake
}
