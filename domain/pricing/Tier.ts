import { Schema } from "effect"
import { CurrencyCode, MinorUnits } from "./Money.js"

/** The three offers, smallest first (the order they are shown in). */
export const TierName = Schema.Literal("Lite", "Standard", "Premium")
export type TierName = typeof TierName.Type

export const tierNames: ReadonlyArray<TierName> = TierName.literals

/** What one tier gives and costs, from configuration. */
export const TierTerms = Schema.Struct({
  imageCount: Schema.Int.pipe(Schema.positive()),
  price: MinorUnits
})
export type TierTerms = typeof TierTerms.Type

/** Every tier is required, so that a quote for any tier always exists. */
export const PricingSettings = Schema.Struct({
  currency: CurrencyCode,
  tiers: Schema.Struct({ Lite: TierTerms, Standard: TierTerms, Premium: TierTerms }),
  returningDiscountPercent: Schema.Int.pipe(Schema.between(0, 100))
})
export type PricingSettings = typeof PricingSettings.Type
