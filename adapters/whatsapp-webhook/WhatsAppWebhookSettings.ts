import { Context } from "effect"
import type { Redacted } from "effect"

export interface WhatsAppWebhookSettingsShape {
  /** Our answer to Meta's subscription handshake. */
  readonly verifyToken: Redacted.Redacted<string>
  /** The app secret that signs every webhook (X-Hub-Signature-256). */
  readonly appSecret: Redacted.Redacted<string>
  /**
   * While the app secret is rotated, the one before it (`WHATSAPP_APP_SECRET_PREVIOUS`): webhooks
   * signed with either are taken until it is removed, so no webhook is refused during the change.
   */
  readonly previousAppSecret?: Redacted.Redacted<string>
  /**
   * Our phone number id: webhooks for the account's other numbers are acknowledged and ignored.
   * Unset only where a test posts webhooks of any number.
   */
  readonly numberId?: string
}

export class WhatsAppWebhookSettings extends Context.Tag("whatsapp-astria-bot/WhatsAppWebhookSettings")<
  WhatsAppWebhookSettings,
  WhatsAppWebhookSettingsShape
>() {
}
