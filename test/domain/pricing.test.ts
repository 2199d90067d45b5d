import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import * as fc from "fast-check"
import { checkPayment, formatMoney, CurrencyCode, MinorUnits, PaymentCheck, PricingSettings, quote, tierNames } from "../../domain/index.js"
import { pricing } from "./fixtures.js"

describe("quotes", () => {
  it("charge the configured price to new customers", () => {
    expect(quote(pricing, "Standard", false)).toEqual({
      tier: "Standard",
      imageCount: 24,
      listPrice: 2990,
      discountPercent: 0,
      amount: 2990,
      currency: "USD"
    })
  })

  it("give returning customers the configured discount, rounded to the nearest minor unit", () => {
    expect(quote(pricing, "Lite", true)).toEqual(expect.objectContaining({ discountPercent: 20, amount: 1592 }))
    expect(quote({ ...pricing, returningDiscountPercent: 15 }, "Lite", true).amount).toBe(1692) // 1691.5 rounds up
    expect(quote({ ...pricing, returningDiscountPercent: 100 }, "Premium", true).amount).toBe(0)
  })

  it("never exceed the list price and are always whole minor units", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...tierNames),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        (tier, price, percent, returning) => {
          const settings = {
            ...pricing,
            returningDiscountPercent: percent,
            tiers: { ...pricing.tiers, [tier]: { imageCount: 10, price: MinorUnits.make(price) } }
          }
          const q = quote(settings, tier, returning)
          return Number.isInteger(q.amount) && q.amount >= 0 && q.amount <= price && (returning || q.amount === price)
        }
      )
    )
  })
})

describe("checkPayment", () => {
  const q = quote(pricing, "Lite", false)

  it("tells exact, underpaid, overpaid and wrong currency apart", () => {
    expect(checkPayment(q, { amount: MinorUnits.make(1990), currency: "USD" })).toEqual(PaymentCheck.Exact())
    expect(checkPayment(q, { amount: MinorUnits.make(1900), currency: "USD" })).toEqual(
      PaymentCheck.Underpaid({ missing: MinorUnits.make(90) })
    )
    expect(checkPayment(q, { amount: MinorUnits.make(2000), currency: "USD" })).toEqual(
      PaymentCheck.Overpaid({ excess: MinorUnits.make(10) })
    )
    expect(checkPayment(q, { amount: MinorUnits.make(1990), currency: "usd" })).toEqual(
      PaymentCheck.WrongCurrency({ expected: CurrencyCode.make("USD"), received: "usd" })
    )
  })
})

describe("pricing settings", () => {
  it("decode from configuration and refuse a missing tier, a bad currency or a discount over 100", () => {
    const decode = Schema.decodeUnknownEither(PricingSettings)
    const good = {
      currency: "ILS",
      tiers: { Lite: { imageCount: 12, price: 3990 }, Standard: { imageCount: 24, price: 5990 }, Premium: { imageCount: 40, price: 8990 } },
      returningDiscountPercent: 10
    }
    expect(Either.isRight(decode(good))).toBe(true)
    expect(Either.isLeft(decode({ ...good, tiers: { Lite: good.tiers.Lite, Standard: good.tiers.Standard } }))).toBe(true)
    expect(Either.isLeft(decode({ ...good, currency: "shekel" }))).toBe(true)
    expect(Either.isLeft(decode({ ...good, returningDiscountPercent: 101 }))).toBe(true)
    expect(Either.isLeft(decode({ ...good, tiers: { ...good.tiers, Lite: { imageCount: 12, price: 39.9 } } }))).toBe(true)
  })

  it("format prices per currency", () => {
    expect(formatMoney({ amount: MinorUnits.make(1990), currency: CurrencyCode.make("USD") })).toBe("$19.90")
    expect(formatMoney({ amount: MinorUnits.make(3990), currency: CurrencyCode.make("ILS") })).toBe("₪39.90")
    expect(formatMoney({ amount: MinorUnits.make(1200), currency: CurrencyCode.make("JPY") })).toBe("1200 JPY")
    expect(formatMoney({ amount: MinorUnits.make(5), currency: CurrencyCode.make("CHF") })).toBe("0.05 CHF")
  })
})
