import { Effect, Layer, Option, Schema } from "effect"
import { PaymentProvider, PaymentRequestRefused, RefundNotSupported, type CheckoutRequest, type Checkout } from "../../application/ports/PaymentProvider.js"
import { quote } from "../../domain/pricing/Quote.js"
import { TierName, type PricingSettings } from "../../domain/pricing/Tier.js"
import type { FixedPriceLinks } from "./PaymentSettings.js"

const isTier = Schema.is(TierName)

/**
 * A link per price, as the original bot had one page per tier: a fixed-price page (a Stripe Payment
 * Link, a SUMIT page) charges its own price whatever the URL says, so an order is only ever sent the
 * page whose price is its quote, and refused a page when none has that price.
 */
export const pageFor = (links: FixedPriceLinks, pricing: PricingSettings, request: CheckoutRequest): Effect.Effect<string, PaymentRequestRefused> => {
  if (!isTier(request.tier)) return Effect.fail(new PaymentRequestRefused({ reason: `unknown tier ${request.tier}` }))
  const full = quote(pricing, request.tier, false)
  const returning = quote(pricing, request.tier, true)
  const page =
    request.amountMinor === full.amount && request.currency === full.currency
      ? links.full[request.tier]
      : request.amountMinor === returning.amount && request.currency === returning.currency
        ? links.returning?.[request.tier]
        : undefined
  return page === undefined
    ? Effect.fail(new PaymentRequestRefused({ reason: `no fixed-price link charges ${request.amountMinor} ${request.currency} for ${request.tier}` }))
    : Effect.succeed(page)
}

/**
 * The order id goes along as `client_reference_id`, which Stripe Payment Links copy into the
 * Checkout Session the webhook carries.
 */
export const linkFor = (links: FixedPriceLinks, pricing: PricingSettings, request: CheckoutRequest): Effect.Effect<Checkout, PaymentRequestRefused> =>
  Effect.map(pageFor(links, pricing, request), (page) => {
    const url = new URL(page)
    url.searchParams.set("client_reference_id", request.orderId)
    return { url: url.toString(), providerReference: request.orderId, expiresAt: Option.none() }
  })

export const FixedPriceLinksProvider = {
  layer: (links: FixedPriceLinks, pricing: PricingSettings): Layer.Layer<PaymentProvider> =>
    Layer.succeed(PaymentProvider, {
      name: "links",
      createCheckout: (request) => linkFor(links, pricing, request),
      // One page serves every order at its price: there is nothing of this order's to stop.
      expireCheckout: () => Effect.void,
      refund: () =>
        Effect.fail(new RefundNotSupported({ provider: "links", reason: "a fixed-price link has no refund API here; refund in the provider's dashboard" }))
    })
}
