import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Layer } from "effect"
import { decimalAmount } from "../../adapters/payments/decimalAmount.js"
import { TemplatePaymentProvider } from "../../adapters/payments/TemplatePaymentProvider.js"
import { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import { OrderId } from "../../domain/ids.js"
import { quote } from "../../domain/pricing/Quote.js"
import { pricing } from "./support/fixtures.js"

const template = "https://pay.example.com/checkout?order={order}&amount={amount}&currency={currency}&tier={tier}"

const fromEnv = (env: Record<string, string>) =>
  TemplatePaymentProvider.fromConfig.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))))

describe("payment links from PAYMENT_LINK_TEMPLATE", () => {
  it.effect("carries a returning customer's discounted quote, URL-encoded", () =>
    Effect.gen(function* () {
      const discounted = quote(pricing, "Standard", true)
      expect(discounted.amount).toBe(1161) // 12.90 less 10%, rounded half up
      const provider = yield* PaymentProvider
      const { url: link } = yield* provider.createCheckout({
        orderId: OrderId.make("3f6c a/b&c"),
        amountMinor: discounted.amount,
        currency: discounted.currency,
        tier: discounted.tier,
        description: "Headshots"
      })
      expect(link).toBe("https://pay.example.com/checkout?order=3f6c%20a%2Fb%26c&amount=11.61&currency=USD&tier=Standard")
      const params = new URL(link).searchParams
      expect(params.get("order")).toBe("3f6c a/b&c")
    }).pipe(Effect.provide(fromEnv({ PAYMENT_LINK_TEMPLATE: template })))
  )

  it("writes amounts as ISO 4217 decimals without floating point", () => {
    expect(decimalAmount(1290, "USD")).toBe("12.90")
    expect(decimalAmount(5, "EUR")).toBe("0.05")
    expect(decimalAmount(3990, "ILS")).toBe("39.90")
    expect(decimalAmount(1200, "JPY")).toBe("1200")
    expect(decimalAmount(12345, "KWD")).toBe("12.345")
    expect(decimalAmount(1290, "not a code")).toBeUndefined()
  })

  it.effect("refuses (PaymentRequestRefused) a currency it cannot price", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const exit = yield* Effect.exit(provider.createCheckout({ orderId: OrderId.make("o"), amountMinor: 1, currency: "$$", tier: "Lite", description: "x" }))
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag).toBe("PaymentRequestRefused")
    }).pipe(Effect.provide(TemplatePaymentProvider.layer(template)))
  )

  it.effect("fails at start, naming the key, when the template is missing or has no {order}", () =>
    Effect.gen(function* () {
      const envs: ReadonlyArray<Record<string, string>> = [
        {},
        { PAYMENT_LINK_TEMPLATE: "https://pay.example.com/checkout?amount={amount}" },
        { PAYMENT_LINK_TEMPLATE: "not a url {order}" }
      ]
      for (const env of envs) {
        const exit = yield* Effect.exit(Layer.build(fromEnv(env)).pipe(Effect.scoped))
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("PAYMENT_LINK_TEMPLATE")
      }
    })
  )
})
