import { FetchHttpClient } from "@effect/platform"
import { Duration, Effect, Layer, Redacted } from "effect"
import { SumitCheckout, type SumitCheckoutSettings, type SumitPayments } from "../../../adapters/payments/SumitCheckout.js"
import type { PaymentProvider } from "../../../application/ports/PaymentProvider.js"
import type { OrderId } from "../../../domain/ids.js"
import { FakeSumit, type FakeSumitHandle } from "../../../testing/fakes/payments/sumit/FakeSumit.js"
import { PaymentProbe } from "../../../testing/port-suites/PaymentProviderSuite.js"

export const sumitChatUrl = "https://wa.me/972501234567"

export const sumitSettingsFor = (
  fake: Pick<FakeSumitHandle, "baseUrl" | "companyId" | "apiKey">,
  notificationUrl: string,
  overrides: Partial<SumitCheckoutSettings> = {}
): SumitCheckoutSettings => ({
  companyId: fake.companyId,
  apiKey: Redacted.make(fake.apiKey),
  apiBase: fake.baseUrl,
  chatUrl: sumitChatUrl,
  notificationUrl,
  requestTimeout: Duration.seconds(5),
  maxRetries: 2,
  retryBaseDelay: Duration.millis(10),
  ...overrides
})

export const sumitRequest = (orderId: OrderId, amountMinor = 3990, currency = "ILS") => ({
  orderId,
  amountMinor,
  currency,
  tier: "Standard",
  description: "Headshots (Standard)"
})

const currencyOfCode: Readonly<Record<number, string>> = { 0: "ILS", 1: "USD", 2: "EUR" }

/** The SUMIT adapter over a fake SUMIT, with the probe the contract suite reads it through. */
export const sumitOverFake = (
  notificationUrl = "https://bot.example/payment-received/sumit"
): Layer.Layer<PaymentProvider | SumitPayments | PaymentProbe | FakeSumit> =>
  Layer.unwrapEffect(
    Effect.map(FakeSumit, (fake) =>
      Layer.merge(
        SumitCheckout.layer(sumitSettingsFor(fake, notificationUrl)).pipe(Layer.provide(FetchHttpClient.layer)),
        Layer.succeed(PaymentProbe, {
          priceable: (orderId) => sumitRequest(orderId),
          // SUMIT's billing takes ILS, USD and EUR only.
          unpriceable: (orderId) => sumitRequest(orderId, 3990, "GBP"),
          charges: (checkout) =>
            Effect.flatMap(fake.pageOfUrl(checkout.url), (page) =>
              page === undefined
                ? Effect.fail(`no SUMIT page at ${checkout.url}`)
                : Effect.succeed({
                    // The page holds a decimal; 39.9 -> 3990 through its text.
                    amountMinor: Number(page.amount.toFixed(2).replace(".", "")),
                    currency: currencyOfCode[page.currency] ?? "?",
                    orderId: page.externalIdentifier ?? ""
                  })
            ),
          pay: (checkout) => Effect.flatMap(fake.pageOfUrl(checkout.url), (page) => (page === undefined ? Effect.fail("no page") : fake.pay(page.id))),
          expires: false,
          refunds: false,
          idempotent: false
        })
      )
    )
  ).pipe(Layer.provideMerge(FakeSumit.layer()))
