import { Data, Schema } from "effect"
import { CurrencyCode, MinorUnits } from "./Money.js"
import type { Money } from "./Money.js"
import { TierName } from "./Tier.js"
import type { PricingSettings } from "./Tier.js"

/** The price promised for one order, kept with the order so that a payment is checked against it. */
export const Quote = Schema.Struct({
  tier: TierName,
  imageCount: Schema.Int.pipe(Schema.positive()),
  listPrice: MinorUnits,
  discountPercent: Schema.Int.pipe(Schema.between(0, 100)),
  amount: MinorUnits,
  currency: CurrencyCode
})
export type Quote = typeof Quote.Type

/** The discounted amount, rounded to the nearest minor unit (half up), never below zero. */
const discounted = (price: MinorUnits, percent: number): MinorUnits =>
  MinorUnits.make(Math.max(0, Math.round((price * (100 - percent)) / 100)))

/** A quote for a tier; returning customers get the configured discount. */
export const quote = (settings: PricingSettings, tier: TierName, returningCustomer: boolean): Quote => {
  const terms = settings.tiers[tier]
  const discountPercent = returningCustomer ? settings.returningDiscountPercent : 0
  return {
    tier,
    imageCount: terms.imageCount,
    listPrice: terms.price,
    discountPercent,
    amount: discounted(terms.price, discountPercent),
    currency: settings.currency
  }
}

/** How a payment compares with the quote it pays. */
export type PaymentCheck = Data.TaggedEnum<{
  Exact: Record<never, never>
  Underpaid: { readonly missing: MinorUnits }
  Overpaid: { readonly excess: MinorUnits }
  WrongCurrency: { readonly expected: CurrencyCode; readonly received: string }
}>
export const PaymentCheck = Data.taggedEnum<PaymentCheck>()

/** Compares exactly: amounts are in minor units, and currency codes are compared as given. */
export const checkPayment = (quoted: Quote, paid: { readonly amount: MinorUnits; readonly currency: string }): PaymentCheck => {
  if (paid.currency !== quoted.currency) {
    return PaymentCheck.WrongCurrency({ expected: quoted.currency, received: paid.currency })
  }
  if (paid.amount < quoted.amount) return PaymentCheck.Underpaid({ missing: MinorUnits.make(quoted.amount - paid.amount) })
  if (paid.amount > quoted.amount) return PaymentCheck.Overpaid({ excess: MinorUnits.make(paid.amount - quoted.amount) })
  return PaymentCheck.Exact()
}

/** The quoted amount as money, for messages. */
export const quotedMoney = (quoted: Quote): Money => ({ amount: quoted.amount, currency: quoted.currency })
