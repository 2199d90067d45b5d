import { Config, Context, Effect, Layer, Option, Redacted } from "effect"

export interface AdminSettingsShape {
  /** The operators' bearer token; none: the operator endpoints answer 503. */
  readonly token: Option.Option<Redacted.Redacted<string>>
}

export class AdminSettings extends Context.Tag("whatsapp-astria-bot/AdminSettings")<AdminSettings, AdminSettingsShape>() {
  /** An empty `ADMIN_TOKEN=` (as left in a copied .env) counts as none: it must never match an empty bearer. */
  static readonly config: Config.Config<AdminSettingsShape> = Config.option(Config.redacted("ADMIN_TOKEN")).pipe(
    Config.map((token) => ({ token: Option.filter(token, (value) => Redacted.value(value).length > 0) }))
  )
  static readonly fromConfig = Layer.effect(this, Effect.map(this.config, (settings) => settings))
}
