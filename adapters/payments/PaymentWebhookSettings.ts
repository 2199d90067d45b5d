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
}

/** Built by the start plan's wiring (runtimes/composition/RealParts.ts), or by a test. */
export class PaymentWebhookSettings extends Context.Tag("whatsapp-astria-bot/PaymentWebhookSettings")<
  PaymentWebhookSettings,
  PaymentWebhookSettingsShape
>() {}
