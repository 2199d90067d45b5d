import { Option } from "effect"
import type { OrderRecord } from "../../../application/ports/Orders.js"
import { PackId, type UserId } from "../../../domain/ids.js"
import { CurrencyCode, MinorUnits } from "../../../domain/pricing/Money.js"
import type { PricingSettings } from "../../../domain/pricing/Tier.js"
import { order } from "../../../testing/port-suites/storage/fixtures.js"

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

/** A Standard order of pack 260 awaiting payment at USD 12.90, with a fresh id; `fields` change any of it. */
export const orderAwaitingPayment = (userId: UserId, fields: Partial<ConstructorParameters<typeof OrderRecord>[0]> = {}) =>
  order(userId, {
    packId: PackId.make(260),
    tier: "Standard",
    amountMinor: 1290,
    checkoutReference: Option.none(),
    createdAt: new Date(0),
    ...fields
  })
