import { Effect, Layer, Option } from "effect"
import { PaymentProvider, RefundNotSupported } from "../../application/ports/PaymentProvider.js"
import type { PricingSettings } from "../../domain/pricing/Tier.js"
import { pageFor } from "./FixedPriceLinksProvider.js"
import type { FixedPriceLinks } from "./PaymentSettings.js"

/**
 * `PAYMENT_PROVIDER=sumit-pages`: the original bot's fixed SUMIT page per tier (and per returning
 * price when configured). The page carries nothing of the order: its trigger is matched to the
 * order by the phone and amount SUMIT's `payments/get` answers (receiveFixedPagePayment.ts).
 */
export const SumitPagesProvider = {
  layer: (pages: FixedPriceLinks, pricing: PricingSettings): Layer.Layer<PaymentProvider> =>
    Layer.succeed(PaymentProvider, {
      name: "sumit",
      createCheckout: (request) =>
        Effect.map(pageFor(pages, pricing, request), (url) => ({ url, providerReference: request.orderId, expiresAt: Option.none() })),
      // One page serves every order at its price: there is nothing of this order's to stop.
      expireCheckout: () => Effect.void,
      refund: () =>
        Effect.fail(new RefundNotSupported({ provider: "sumit", reason: "a fixed SUMIT page has no refund call here; refund in SUMIT" }))
    })
}
