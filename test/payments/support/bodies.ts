import type { PaymentEventEncoded } from "../../../contracts/payments/PaymentEvent.js"
import type { StripeCheckoutEventEncoded, StripeCheckoutEventType } from "../../../contracts/payments/StripeCheckoutEvent.js"

export const ownEventBody = (fields: {
  readonly id: string
  readonly orderId: string
  readonly amount?: number
  readonly currency?: string
  readonly status?: "paid" | "unpaid" | "failed"
}): PaymentEventEncoded => ({
  id: fields.id,
  order_id: fields.orderId,
  amount: fields.amount ?? 1290,
  currency: fields.currency ?? "USD",
  status: fields.status ?? "paid",
  paid_at: "2026-11-25T10:00:00Z"
})

/** Shaped like a real Stripe event, extra fields included, which the contract ignores. */
export const stripeEventBody = (fields: {
  readonly id: string
  readonly orderId: string | null
  readonly amount?: number
  readonly currency?: string
  readonly type?: StripeCheckoutEventType
  readonly paymentStatus?: "paid" | "unpaid" | "no_payment_required"
}): StripeCheckoutEventEncoded & { readonly api_version: string } => ({
  id: fields.id,
  object: "event",
  api_version: "2025-10-29.clover",
  type: fields.type ?? "checkout.session.completed",
  created: 1764064800,
  livemode: false,
  data: {
    object: {
      id: `cs_test_${fields.id}`,
      object: "checkout.session",
      client_reference_id: fields.orderId,
      amount_total: fields.amount ?? 1290,
      currency: fields.currency ?? "usd",
      payment_status: fields.paymentStatus ?? "paid",
      created: 1764064000
    }
  }
})
