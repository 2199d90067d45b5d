import { describe, expect, it } from "@effect/vitest"
import { Effect, HashMap, Logger, LogLevel } from "effect"
import { fixedPagesOfferNoDiscount, type FixedPriceLinks } from "../../adapters/payments/PaymentSettings.js"
import { SumitPagesProvider } from "../../adapters/payments/SumitPagesProvider.js"
import { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import { ConversationSettingsTag } from "../../application/settings/ConversationSettingsConfig.js"
import { OrderId } from "../../domain/ids.js"
import { quote } from "../../domain/pricing/Quote.js"
import { logStartPlan } from "../../runtimes/composition/logStartPlan.js"
import { planStart, type StartPlan } from "../../runtimes/composition/StartPlan.js"
import { accepted, productionWithoutPayments, refusal, withSettings } from "../composition/support/plannedStart.js"
import { pricing } from "./support/fixtures.js"

/** A production deployment on the original bot's fixed SUMIT pages, under the original's names. */
const production: Readonly<Record<string, string>> = {
  ...productionWithoutPayments,
  PAYMENT_PROVIDER: "sumit-pages",
  SUMIT_COMPANY_ID: "12345678",
  SUMIT_API_KEY: "sumit-key",
  LITE_TIER_PAYMENT_LINK: "https://pay.sumit.co.il/lite",
  STANDARD_TIER_PAYMENT_LINK: "https://pay.sumit.co.il/standard",
  PREMIUM_TIER_PAYMENT_LINK: "https://pay.sumit.co.il/premium"
}

const returningPages = {
  LITE_TIER_RETURNING_PAYMENT_LINK: "https://pay.sumit.co.il/lite-returning",
  STANDARD_TIER_RETURNING_PAYMENT_LINK: "https://pay.sumit.co.il/standard-returning",
  PREMIUM_TIER_RETURNING_PAYMENT_LINK: "https://pay.sumit.co.il/premium-returning"
}

const pagesOf = (settings: Readonly<Record<string, string>>) => {
  const payments: StartPlan["payments"] = accepted(settings).payments
  if (payments._tag !== "Real" || payments.settings._tag !== "SumitPages") throw new Error(`not the SUMIT pages: ${payments._tag}`)
  return payments.settings
}

const without = (...names: ReadonlyArray<string>) => Object.fromEntries(Object.entries(production).filter(([key]) => !names.includes(key)))

describe("PAYMENT_PROVIDER=sumit-pages: the start", () => {
  it("takes the original bot's page per tier under its names, and with no page for the returning prices offers no discount", () => {
    const setup = pagesOf(production)
    expect(setup.pages.full.Standard).toBe("https://pay.sumit.co.il/standard")
    expect(setup.pages.returning).toBeUndefined()
    expect(setup.pricing.returningDiscountPercent).toBe(0)
  })

  it("keeps the returning discount when every returning price has its page", () => {
    const setup = pagesOf({ ...production, ...returningPages, RETURNING_DISCOUNT_PERCENT: "20" })
    expect(setup.pages.returning?.Premium).toBe("https://pay.sumit.co.il/premium-returning")
    expect(setup.pricing.returningDiscountPercent).toBe(20)
  })

  it.each(["LITE_TIER_PAYMENT_LINK", "PREMIUM_TIER_PAYMENT_LINK", "SUMIT_COMPANY_ID", "SUMIT_API_KEY"])("refuses without %s, naming it", (name) => {
    expect(refusal(without(name))).toContain(name)
  })

  it("refuses pages for some returning prices only, naming the missing ones", () => {
    const message = refusal({ ...production, LITE_TIER_RETURNING_PAYMENT_LINK: returningPages.LITE_TIER_RETURNING_PAYMENT_LINK })
    expect(message).toContain("STANDARD_TIER_RETURNING_PAYMENT_LINK")
    expect(message).toContain("PREMIUM_TIER_RETURNING_PAYMENT_LINK")
  })

  it("refuses a page that is not https", () => {
    expect(refusal({ ...production, STANDARD_TIER_PAYMENT_LINK: "http://pay.sumit.co.il/standard" })).toContain("STANDARD_TIER_PAYMENT_LINK")
  })

  it("does not call the original's page settings unread, and says at start that no returning discount is offered", async () => {
    const lines: Array<string> = []
    const logger = Logger.make(({ annotations, message }) => void lines.push(`${String(message)} ${JSON.stringify(HashMap.toEntries(annotations))}`))
    await Effect.runPromise(
      planStart({ runtime: "standalone" }).pipe(
        Effect.flatMap((started) => logStartPlan(started)),
        withSettings(production),
        Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
        Logger.withMinimumLogLevel(LogLevel.Info)
      )
    )
    const log = lines.join("\n")
    expect(log).not.toMatch(/TIER_PAYMENT_LINK is a setting of the original/)
    expect(log).toMatch(/fixed SUMIT pages \(one per tier; no returning discount offered\)/)
  })
})

describe("PAYMENT_PROVIDER=sumit-pages: the conversation's quotes", () => {
  const quotedPricing = (settings: Readonly<Record<string, string>>) =>
    Effect.gen(function* () {
      const noReturningDiscount = yield* fixedPagesOfferNoDiscount
      const conversation = yield* Effect.provide(ConversationSettingsTag, ConversationSettingsTag.fromConfig({ noReturningDiscount }))
      return conversation.pricing
    }).pipe(withSettings(settings))

  it.effect("quote a returning customer the full price when no page charges the returning price", () =>
    Effect.gen(function* () {
      const offered = yield* quotedPricing({ PAYMENT_PROVIDER: "sumit-pages", RETURNING_DISCOUNT_PERCENT: "20" })
      expect(quote(offered, "Standard", true).amount).toBe(quote(offered, "Standard", false).amount)
    }))

  it.effect("keep the discount with pages for the returning prices, and with every other provider", () =>
    Effect.gen(function* () {
      const withPages = yield* quotedPricing({ PAYMENT_PROVIDER: "sumit-pages", ...returningPages, RETURNING_DISCOUNT_PERCENT: "20" })
      expect(withPages.returningDiscountPercent).toBe(20)
      const apiMode = yield* quotedPricing({ PAYMENT_PROVIDER: "sumit", RETURNING_DISCOUNT_PERCENT: "20" })
      expect(apiMode.returningDiscountPercent).toBe(20)
    }))
})

describe("PAYMENT_PROVIDER=sumit-pages: the checkout", () => {
  const pages: FixedPriceLinks = {
    full: { Lite: "https://pay.sumit.co.il/lite", Standard: "https://pay.sumit.co.il/standard", Premium: "https://pay.sumit.co.il/premium" },
    returning: undefined
  }
  const request = (amountMinor: number) => ({ orderId: OrderId.make("order-1"), amountMinor, currency: "USD", tier: "Standard", description: "Headshots (Standard)" })
  const returningAmount = quote(pricing, "Standard", true).amount

  it.effect("is the tier's own page at the order's price, and none at a price no page charges", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const checkout = yield* provider.createCheckout(request(quote(pricing, "Standard", false).amount))
      expect(checkout.url).toBe("https://pay.sumit.co.il/standard")
      const refused = yield* Effect.flip(provider.createCheckout(request(returningAmount)))
      expect(refused._tag).toBe("PaymentRequestRefused")
    }).pipe(Effect.provide(SumitPagesProvider.layer(pages, pricing))))

  it.effect("is the returning price's page when one is configured", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const checkout = yield* provider.createCheckout(request(returningAmount))
      expect(checkout.url).toBe("https://pay.sumit.co.il/standard-returning")
    }).pipe(
      Effect.provide(
        SumitPagesProvider.layer(
          { ...pages, returning: { Lite: "https://pay.sumit.co.il/lite-returning", Standard: "https://pay.sumit.co.il/standard-returning", Premium: "https://pay.sumit.co.il/premium-returning" } },
          pricing
        )
      )
    ))
})
