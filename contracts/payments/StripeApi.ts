import { Schema } from "effect"
import { AmountMinor, PaymentReference, PaymentUnixSeconds } from "./PaymentFields.js"

/**
 * The answers of the three Stripe API calls the bot makes (form-encoded POSTs, JSON answers):
 * `POST /v1/checkout/sessions`, `POST /v1/checkout/sessions/:id/expire` and `POST /v1/refunds`.
 * Only the fields the bot reads; shapes as in Stripe's fixtures (test/fixtures/stripe/).
 */

export const StripeSessionAnswer = Schema.Struct({
  id: PaymentReference,
  object: Schema.Literal("checkout.session"),
  /** The hosted page; null only for embedded sessions, which the bot never creates. */
  url: Schema.NullOr(Schema.String),
  status: Schema.NullOr(Schema.Literal("open", "complete", "expired")),
  expires_at: PaymentUnixSeconds,
  amount_total: Schema.NullOr(AmountMinor),
  currency: Schema.NullOr(Schema.String)
})
export type StripeSessionAnswer = typeof StripeSessionAnswer.Type

export const StripeRefundAnswer = Schema.Struct({
  id: PaymentReference,
  object: Schema.Literal("refund"),
  amount: AmountMinor,
  currency: Schema.String,
  /** `pending`, `succeeded`, `failed`, `requires_action` or `canceled`. */
  status: Schema.NullOr(Schema.String)
})
export type StripeRefundAnswer = typeof StripeRefundAnswer.Type

/** Every 4xx and 5xx answer's body; `type` is `api_error`, `card_error`, `idempotency_error` or `invalid_request_error` (a 401 too). */
export const StripeErrorBody = Schema.Struct({
  error: Schema.Struct({
    type: Schema.String,
    code: Schema.optional(Schema.String),
    decline_code: Schema.optional(Schema.String),
    message: Schema.optional(Schema.String),
    param: Schema.optional(Schema.String)
  })
})
export type StripeErrorBody = typeof StripeErrorBody.Type
export type StripeErrorBodyEncoded = typeof StripeErrorBody.Encoded
