import type { Option } from "effect";
import { Config, Context, Effect, Layer } from "effect"

export interface SupportSettingsShape {
  /** Where support is told about low ratings, payment problems and help requests; always logged too. */
  readonly whatsAppNumber: Option.Option<string>
}

export class SupportSettings extends Context.Tag("whatsapp-astria-bot/SupportSettings")<
  SupportSettings,
  SupportSettingsShape
>() {
  static readonly config: Config.Config<SupportSettingsShape> = Config.all({
    whatsAppNumber: Config.string("SUPPORT_WHATSAPP").pipe(
      Config.validate({ message: "SUPPORT_WHATSAPP must be a phone number in international form, digits only", validation: (n) => /^\d{6,15}$/.test(n) }),
      Config.option
    )
  })
  static readonly fromConfig = Layer.effect(this, Effect.map(this.config, (settings) => settings))
}
