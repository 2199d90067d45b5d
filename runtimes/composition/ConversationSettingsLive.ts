import { Effect, Layer } from "effect"
import { fixedPagesOfferNoDiscount } from "../../adapters/payments/PaymentSettings.js"
import { ConversationSettingsTag } from "../../application/settings/ConversationSettingsConfig.js"
import { uploadExamplePhotos } from "./ExamplePhotos.js"

/**
 * The decider's settings from configuration, with the examples uploaded through the configured
 * messenger; no returning discount is quoted when the pages charge fixed prices without one.
 */
export const ConversationSettingsLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const examples = yield* uploadExamplePhotos
    const noReturningDiscount = yield* fixedPagesOfferNoDiscount
    return ConversationSettingsTag.fromConfig(examples, { noReturningDiscount })
  })
)
