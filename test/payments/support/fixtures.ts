import { CurrencyCode, MinorUnits } from "../../../domain/pricing/Money.js"
import type { PricingSettings } from "../../../domain/pricing/Tier.js"

export const secret = "whsec_test_secret"

export const pricing: PricingSettings = {
  currency: CurrencyCode.make("USD"),
  tiers: {
    Lite: { imageCount: 20, price: MinorUnits.make(990) },
    Standard: { imageCount: 40, price: MinorUnits.make(1290) },
    Premium: { imageCount: 80, price: MinorUnits.make(2490) }
  },
  returningDiscountPercent: 10
}

let counter = 0
/** Unique per call, so tests sharing a store never collide. */
export const unique = (prefix: string): string => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`
