import { Context } from "effect"
import type { Redacted } from "effect"
import type { SumitPayments } from "./SumitCheckout.js"

export interface PaymentWebhookSettingsShape {
  /** Signs every payment webhook, both our own event and Stripe's (Stripe's `whsec_...`). */
  readonly secret: Redacted.Redacted<string>
  /** While the secret is rotated, the one before it, taken too until removed. */
  readonly previousSecret?: Redacted.Redacted<string>
  /** The mode payments must be in: live in production; unset, any (development and tests). */
  readonly liveMode?: boolean
  /** With SUMIT: how its unsigned notifications are confirmed (`payments/get`); absent, they are refused. */
  readonly sumit?: SumitPayments["Type"]
  /**
   * `sumit-pages`: the original bot's fixed pages. Their trigger is taken unsigned at the route the
   * original used (`/payment-received`, and `/payment-received/sumit`), confirmed with `payments/get`
   * and matched to the payer's open order; absent, an unsigned body there is refused.
   */
  readonly sumitPages?: SumitPayments["Type"]
}

/** Built by the start plan's wiring (runtimes/composition/RealParts.ts), or by a test. */
export class PaymentWebhookSettings extends Context.Tag("whatsapp-astria-bot/PaymentWebhookSettings")<
  PaymentWebhookSettings,
  PaymentWebhookSettingsShape
>() {}
