import { Config, Context, Effect, Layer } from "effect"
import type { Option } from "effect"
import { setting } from "./presentSetting.js"

export interface MessagingSettingsShape {
  /** The approved template sent when the 24-hour window has closed (its quick reply reopens it). */
  readonly reengagementTemplate: string
  readonly reengagementTemplateLanguage: string
  /**
   * The same template's Hebrew translation (`WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE_HE`, e.g. `he`),
   * sent to a person who speaks Hebrew with the bot; unset: they get the English one.
   */
  readonly reengagementTemplateLanguageHebrew: Option.Option<string>
  /**
   * Tries of a message whose media link cannot be fetched for now (network, timeout, 5xx) before
   * it is given up: each person's messages go out in order, so a link that stays down would
   * otherwise hold back everything the person is sent after it. The count is the message's tries
   * for any reason (the store keeps one); with the back-off, 12 tries span about 25 minutes.
   */
  readonly mediaLinkAttempts: number
}

export class MessagingSettings extends Context.Tag("whatsapp-astria-bot/MessagingSettings")<
  MessagingSettings,
  MessagingSettingsShape
>() {
  static readonly config: Config.Config<MessagingSettingsShape> = Config.all({
    reengagementTemplate: Config.string("WHATSAPP_REENGAGEMENT_TEMPLATE").pipe(Config.withDefault("hello_world")),
    reengagementTemplateLanguage: Config.string("WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE").pipe(
      Config.withDefault("en_US")
    ),
    reengagementTemplateLanguageHebrew: setting("WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE_HE"),
    mediaLinkAttempts: Config.integer("MEDIA_LINK_ATTEMPTS").pipe(
      Config.validate({ message: "MEDIA_LINK_ATTEMPTS must be between 1 and 100", validation: (n) => n >= 1 && n <= 100 }),
      Config.withDefault(12)
    )
  })
  static readonly fromConfig = Layer.effect(this, Effect.map(this.config, (settings) => settings))
}
