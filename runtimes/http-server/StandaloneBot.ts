import { Effect, Layer, Option } from "effect"
import { botLayer } from "../composition/BotLayer.js"
import { DevelopmentParts } from "../composition/DevelopmentParts.js"
import { logStartPlan } from "../composition/logStartPlan.js"
import { RealParts } from "../composition/RealParts.js"
import { planStart, type StartPlan } from "../composition/StartPlan.js"

/**
 * The standalone bot over the parts its start plan chose: the real ones from their settings
 * (RealParts), and in development the in-process fakes that plan names (DevelopmentParts). With
 * no configuration at all it runs on embedded PGlite with fakes of WhatsApp, Astria and the
 * payment provider; in production it mounts no fake at all.
 */
export const standaloneBot = (plan: StartPlan) =>
  botLayer<unknown>({
    storage: RealParts.storage(plan.databaseUrl),
    broker: RealParts.broker(plan),
    whatsapp: plan.whatsapp._tag === "Real" ? RealParts.whatsapp(plan.whatsapp.settings) : DevelopmentParts.whatsapp(plan.whatsapp.settings),
    astria: plan.astria._tag === "Real" ? RealParts.astria(plan.astria.settings) : DevelopmentParts.astria,
    payments: plan.payments._tag === "Real" ? RealParts.payments(plan.payments.settings, plan.mode) : DevelopmentParts.payments,
    ...Option.match(plan.publicBaseUrl, { onNone: () => ({}), onSome: (publicBaseUrl) => ({ publicBaseUrl }) }),
    services: plan.services
  })

/** The standalone bot from the settings: planned (or refused, naming every problem), logged, built. */
export const StandaloneBotLive = Layer.unwrapEffect(
  planStart({ runtime: "standalone" }).pipe(Effect.tap((plan) => logStartPlan(plan)), Effect.map(standaloneBot))
)
