import { Config, Context, Effect, Layer } from "effect"
import type { Redacted } from "effect"

export interface WhatsAppWebhookSettingsShape {
  /** Our answer to Meta's subscription handshake. */
  readonly verifyToken: Redacted.Redacted<string>
  /** The app secret that signs every webhook (X-Hub-Signature-256). */
  readonly appSecret: Redacted.Redacted<string>
}

export class WhatsAppWebhookSettings extends Context.Tag("whatsapp-astria-bot/WhatsAppWebhookSettings")<
  WhatsAppWebhookSettings,
  WhatsAppWebhookSettingsShape
>() {
  static readonly config: Config.Config<WhatsAppWebhookSettingsShape> = Config.all({
    verifyToken: Config.redacted("WHATSAPP_VERIFY_TOKEN"),
    appSecret: Config.redacted("WHATSAPP_APP_SECRET")
  })
  static readonly fromConfig = Layer.effect(this, Effect.map(this.config, (settings) => settings))
}
