import { Config, Context, Effect, Layer } from "effect"

export interface MessagingSettingsShape {
  /** The approved template sent when the 24-hour window has closed (its quick reply reopens it). */
  readonly reengagementTemplate: string
  readonly reengagementTemplateLanguage: string
}

export class MessagingSettings extends Context.Tag("whatsapp-astria-bot/MessagingSettings")<
  MessagingSettings,
  MessagingSettingsShape
>() {
  static readonly config: Config.Config<MessagingSettingsShape> = Config.all({
    reengagementTemplate: Config.string("WHATSAPP_REENGAGEMENT_TEMPLATE").pipe(Config.withDefault("hello_world")),
    reengagementTemplateLanguage: Config.string("WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE").pipe(
      Config.withDefault("en_US")
    )
  })
  static readonly fromConfig = Layer.effect(this, Effect.map(this.config, (settings) => settings))
}
