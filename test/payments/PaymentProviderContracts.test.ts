import { Effect, Layer } from "effect"
import { FixedPriceLinksProvider } from "../../adapters/payments/FixedPriceLinksProvider.js"
import type { FixedPriceLinks } from "../../adapters/payments/PaymentSettings.js"
import { TemplatePaymentProvider } from "../../adapters/payments/TemplatePaymentProvider.js"
import type { OrderId } from "../../domain/ids.js"
import { quote } from "../../domain/pricing/Quote.js"
import { tierNames } from "../../domain/pricing/Tier.js"
import { FakePaymentProvider } from "../../testing/fakes/payments/FakePaymentProvider.js"
import { PaymentProbe, paymentProviderSuite } from "../../testing/port-suites/PaymentProviderSuite.js"
import { pricing } from "./support/fixtures.js"

const standard = quote(pricing, "Standard", false)
const request = (orderId: OrderId, amountMinor: number = standard.amount, currency: string = standard.currency) => ({
  orderId,
  amountMinor,
  currency,
  tier: "Standard",
  description: "Headshots (Standard)"
})

const links: FixedPriceLinks = {
  full: { Lite: "https://buy.stripe.com/test_lite", Standard: "https://buy.stripe.com/test_standard", Premium: "https://buy.stripe.com/test_premium" },
  returning: {
    Lite: "https://buy.stripe.com/test_lite_back",
    Standard: "https://buy.stripe.com/test_standard_back",
    Premium: "https://buy.stripe.com/test_premium_back"
  }
}

/** What each fixed page charges: its tier's price, or the returning price. */
const priceOfPage = new Map(
  tierNames.flatMap((tier) => [
    [links.full[tier], quote(pricing, tier, false)] as const,
    [links.returning?.[tier] ?? "", quote(pricing, tier, true)] as const
  ])
)

paymentProviderSuite(
  "fixed-price links",
  Layer.merge(
    FixedPriceLinksProvider.layer(links, pricing),
    Layer.succeed(PaymentProbe, {
      priceable: (orderId) => request(orderId),
      // Between the full and the returning price: no page charges it.
      unpriceable: (orderId) => request(orderId, standard.amount - 1),
      charges: (checkout) => {
        const url = new URL(checkout.url)
        const orderId = url.searchParams.get("client_reference_id") ?? ""
        url.search = ""
        const price = priceOfPage.get(url.toString())
        return price === undefined ? Effect.fail(`no page ${url}`) : Effect.succeed({ amountMinor: price.amount, currency: price.currency, orderId })
      },
      pay: () => Effect.fail("a fixed-price page is paid on the provider's own site"),
      expires: false,
      refunds: false,
          idempotent: true
    })
  )
)

/** `12.90` USD -> 1290 */
const minor = (decimal: string) => Number(decimal.replace(".", ""))

paymentProviderSuite(
  "development checkout (URL template over the fake checkout page)",
  Layer.unwrapEffect(
    Effect.map(FakePaymentProvider, (fake) =>
      Layer.merge(
        TemplatePaymentProvider.layer(fake.linkTemplate),
        Layer.succeed(PaymentProbe, {
          priceable: (orderId) => request(orderId),
          unpriceable: (orderId) => request(orderId, 1290, "$$$"),
          charges: (checkout) =>
            Effect.promise(() => fetch(checkout.url).then((response) => response.text())).pipe(
              Effect.flatMap((html) => {
                const shown = /data-amount>([\d.]+) ([A-Z]{3})</.exec(html)
                const orderId = new URL(checkout.url).searchParams.get("order") ?? ""
                return shown?.[1] === undefined || shown[2] === undefined
                  ? Effect.fail(`the page shows no amount: ${html.slice(0, 200)}`)
                  : Effect.succeed({ amountMinor: minor(shown[1]), currency: shown[2], orderId })
              })
            ),
          pay: () => Effect.fail("unused: the development checkout neither expires nor refunds"),
          expires: false,
          refunds: false,
          idempotent: true
        })
      )
    )
  ).pipe(Layer.provideMerge(FakePaymentProvider.layer({ secret: "development-checkout-suite" })))
)
