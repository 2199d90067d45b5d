import { Context, Schema } from "effect"
import type { Effect } from "effect"
import type { OrderId } from "../../domain/ids.js"

/** What a payment link is made from: the order's opaque id and its quote (never a phone number). */
export interface PaymentLinkRequest {
  readonly orderId: OrderId
  /** The quoted amount in minor units (cents, agorot), discounts included. */
  readonly amountMinor: number
  /** ISO 4217, upper case. */
  readonly currency: string
  readonly tier: string
}

/** No link could be made for this order (a provider refused it, or the request cannot be priced). */
export class PaymentLinkUnavailable extends Schema.TaggedError<PaymentLinkUnavailable>()("PaymentLinkUnavailable", {
  reason: Schema.String
}) {}

/** Where people pay: the bot needs only a link per order; the provider reports back by webhook. */
export class PaymentProvider extends Context.Tag("whatsapp-astria-bot/PaymentProvider")<
  PaymentProvider,
  {
    readonly paymentLink: (request: PaymentLinkRequest) => Effect.Effect<string, PaymentLinkUnavailable>
  }
>() {}
