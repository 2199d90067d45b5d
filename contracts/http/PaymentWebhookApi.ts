import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { PaymentEvent } from "../payments/PaymentEvent.js"
import { StripeCheckoutEvent } from "../payments/StripeCheckoutEvent.js"
import { MalformedRequest, NotFound, PayloadTooLarge, TemporarilyUnavailable, Unauthenticated } from "./HttpErrors.js"

/** Stripe's Checkout events are a few kilobytes; anything far larger is not a payment webhook. */
export const paymentWebhookMaxBytes = 256 * 1024

const signatureDescription =
  "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" with the webhook secret>; five minutes' tolerance"

export const PaymentSignatureHeaders = Schema.Struct({
  "x-signature": Schema.optional(Schema.String).annotations({ description: `Our own payment event: ${signatureDescription}` }),
  "stripe-signature": Schema.optional(Schema.String).annotations({ description: `Stripe's events: ${signatureDescription}` })
})

/** The 200 answer: what the payment did (`duplicate` for a repeated delivery). */
export class PaymentAcknowledged extends Schema.Class<PaymentAcknowledged>("PaymentAcknowledged")({
  outcome: Schema.String
}) {}

/**
 * The payment provider's webhook. The body is verified over its raw bytes before it is decoded,
 * so the payload schema documents it and the handler reads the bytes itself. With the original
 * bot's fixed SUMIT pages (`sumit-pages`) the route takes their unsigned trigger instead, the route
 * the original used, confirmed with SUMIT's `payments/get` as at `/payment-received/sumit`.
 */
export class PaymentWebhookApi extends HttpApiGroup.make("payments").add(
  HttpApiEndpoint.post("paymentReceived", "/payment-received")
    .setHeaders(PaymentSignatureHeaders)
    .setPayload(Schema.Union(PaymentEvent, StripeCheckoutEvent))
    .addSuccess(PaymentAcknowledged)
    .addError(MalformedRequest)
    .addError(Unauthenticated)
    .addError(PayloadTooLarge)
    .addError(TemporarilyUnavailable)
).add(
  /**
   * SUMIT's notifications (unsigned): JSON, form fields or a form field `json`. Only the payment id
   * is read; the payment is confirmed with SUMIT's `payments/get` before anything happens. `order`
   * and `token` come from the notification URL the page was made with (absent for the original
   * bot's trigger). 404 when the bot does not take payments with SUMIT.
   */
  HttpApiEndpoint.post("sumitNotification", "/payment-received/sumit")
    .setUrlParams(Schema.Struct({ order: Schema.optional(Schema.String), token: Schema.optional(Schema.String) }))
    .addSuccess(PaymentAcknowledged)
    .addError(MalformedRequest)
    .addError(Unauthenticated)
    .addError(NotFound)
    .addError(PayloadTooLarge)
    .addError(TemporarilyUnavailable)
) {}
