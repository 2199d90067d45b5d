import { Effect, Layer } from "effect"
import { fixedPagesOfferNoDiscount } from "../../adapters/payments/PaymentSettings.js"
import { ConversationSettingsTag } from "../../application/settings/ConversationSettingsConfig.js"

/** The decider's settings from configuration; no returning discount is quoted when the pages charge fixed prices without one. */
export const ConversationSettingsLive = Layer.unwrapEffect(
  Effect.map(fixedPagesOfferNoDiscount, (noReturningDiscount) => ConversationSettingsTag.fromConfig({ noReturningDiscount }))
)
