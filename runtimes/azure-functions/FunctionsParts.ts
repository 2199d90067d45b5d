import { Effect, Layer, Option } from "effect"
import { RealParts } from "../composition/RealParts.js"
import { logStartPlan } from "../composition/logStartPlan.js"
import { planStart, StartRefused } from "../composition/StartPlan.js"
import { functionsBotLayer } from "./FunctionsBotLayer.js"

/**
 * The bot in Functions from its settings, all real (instances come and go, so no embedded
 * database, and no fake has a server of ours to post to): Postgres, Service Bus, WhatsApp Cloud,
 * Astria, the payment provider and `PUBLIC_BASE_URL`, through the same start plan and the same
 * real parts as the standalone server. A missing setting fails the cold start, naming it.
 */
export const FunctionsBotFromConfig = Layer.unwrapEffect(
  Effect.gen(function* () {
    const plan = yield* planStart({ runtime: "functions" })
    yield* logStartPlan(plan)
    const { whatsapp, astria, payments, publicBaseUrl } = plan
    if (whatsapp._tag !== "Real" || astria._tag !== "Real" || payments._tag !== "Real" || Option.isNone(publicBaseUrl)) {
      return yield* new StartRefused({ problems: ["Azure Functions runs no fake"] })
    }
    return functionsBotLayer<unknown>({
      storage: RealParts.storage(plan.databaseUrl),
      broker: RealParts.broker(plan),
      whatsapp: RealParts.whatsapp(whatsapp.settings),
      astria: RealParts.astria(astria.settings),
      payments: RealParts.payments(payments.settings, plan.mode),
      publicBaseUrl: publicBaseUrl.value,
      services: plan.services
    })
  })
)
