import { Config, Context, Effect, Layer } from "effect"
import type { Redacted } from "effect"

export interface PaymentWebhookSettingsShape {
  /** Signs every payment webhook, both our own event and Stripe's (Stripe's `whsec_...`). */
  readonly secret: Redacted.Redacted<string>
}

export class PaymentWebhookSettings extends Context.Tag("whatsapp-astria-bot/PaymentWebhookSettings")<
  PaymentWebhookSettings,
  PaymentWebhookSettingsShape
>() {
  static readonly config: Config.Config<PaymentWebhookSettingsShape> = Config.all({
    secret: Config.redacted("PAYMENT_WEBHOOK_SECRET")
  })
  static readonly fromConfig = Layer.effect(this, Effect.map(this.config, (settings) => settings))
}
