import { Config, Context, Effect, Layer } from "effect"
import type { Option, Redacted } from "effect"
import { optionalSecret } from "../../application/settings/presentSetting.js"

export interface AdminSettingsShape {
  /** The operators' bearer token; none: the operator endpoints answer 503. */
  readonly token: Option.Option<Redacted.Redacted<string>>
  /** While the token is rotated, the one before it (`ADMIN_TOKEN_PREVIOUS`), taken too until removed. */
  readonly previousToken: Option.Option<Redacted.Redacted<string>>
}

export class AdminSettings extends Context.Tag("whatsapp-astria-bot/AdminSettings")<AdminSettings, AdminSettingsShape>() {
  /** An empty `ADMIN_TOKEN=` (as left in a copied .env) counts as none: it must never match an empty bearer. */
  static readonly config: Config.Config<AdminSettingsShape> = Config.all({
    token: optionalSecret("ADMIN_TOKEN"),
    previousToken: optionalSecret("ADMIN_TOKEN_PREVIOUS")
  })
  static readonly fromConfig = Layer.effect(this, Effect.map(this.config, (settings) => settings))
}
