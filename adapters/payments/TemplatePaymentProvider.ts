import { Config, Effect, Layer, Option } from "effect"
import { PaymentProvider, PaymentRequestRefused, RefundNotSupported } from "../../application/ports/PaymentProvider.js"
import type { Checkout, CheckoutRequest } from "../../application/ports/PaymentProvider.js"
import { decimalAmount } from "./decimalAmount.js"

/**
 * Payment links from a URL template (`PAYMENT_LINK_TEMPLATE`), e.g.
 * `https://pay.example.com/checkout?order={order}&amount={amount}&currency={currency}&tier={tier}`.
 * Each placeholder is URL-encoded; `{amount}` is the quote's decimal (12.90), discounts included.
 * Any hosted checkout that takes its price from the URL works, and so does the harness's fake
 * (the development checkout). Such a page has no API: nothing to expire, no refunds.
 */

const placeholders = /\{(order|amount|currency|tier)\}/g

const isHttpUrl = (text: string): boolean => {
  try {
    const url = new URL(text)
    return url.protocol === "https:" || url.protocol === "http:"
  } catch {
    return false
  }
}

/** `{order}` is required: without the order id the webhook cannot say what was paid. */
const validTemplate = (template: string): boolean =>
  template.includes("{order}") && isHttpUrl(template.replace(placeholders, "x"))

export const PaymentLinkTemplateConfig: Config.Config<string> = Config.string("PAYMENT_LINK_TEMPLATE").pipe(
  Config.validate({
    message: "Expected an http(s) URL with an {order} placeholder (and optionally {amount}, {currency}, {tier})",
    validation: validTemplate
  })
)

export const fillPaymentLink = (template: string, request: CheckoutRequest): Effect.Effect<Checkout, PaymentRequestRefused> => {
  const amount = decimalAmount(request.amountMinor, request.currency)
  if (amount === undefined) {
    return Effect.fail(new PaymentRequestRefused({ reason: `unknown currency ${request.currency}` }))
  }
  const values = { order: request.orderId, amount, currency: request.currency, tier: request.tier }
  return Effect.succeed({
    url: template.replace(placeholders, (_, name: keyof typeof values) => encodeURIComponent(values[name])),
    providerReference: request.orderId,
    expiresAt: Option.none()
  })
}

const make = (template: string) =>
  PaymentProvider.of({
    name: "development",
    createCheckout: (request) => fillPaymentLink(template, request),
    expireCheckout: () => Effect.void,
    refund: () =>
      Effect.fail(new RefundNotSupported({ provider: "development", reason: "a checkout from a URL template has no refund API" }))
  })

export const TemplatePaymentProvider = {
  /** A fixed template (the harness points it at its fake checkout page). */
  layer: (template: string): Layer.Layer<PaymentProvider> => Layer.succeed(PaymentProvider, make(template)),
  /** Reads `PAYMENT_LINK_TEMPLATE`; a missing or invalid template fails at start with its name. */
  fromConfig: Layer.effect(PaymentProvider, Effect.map(PaymentLinkTemplateConfig, make))
}
