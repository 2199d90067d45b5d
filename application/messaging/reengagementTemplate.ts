import { Effect, Option, Schema } from "effect"
import { defaultLanguage, Language } from "../../domain/catalogue/Language.js"
import type { UserId } from "../../domain/ids.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { Users } from "../ports/Users.js"
import { MessagingSettings } from "../settings/MessagingSettings.js"

/** Only the language of a stored conversation: whatever else it holds does not matter here. */
const languageOf = Schema.decodeUnknownOption(Schema.Struct({ language: Language }))

/**
 * The re-engagement template in the language the person speaks with the bot: the Hebrew
 * translation for a Hebrew speaker when one is configured, else the English one.
 */
export const reengagementTemplateFor = (userId: UserId) =>
  Effect.gen(function* () {
    const settings = yield* MessagingSettings
    const stored = yield* Effect.flatMap(Users, (users) => users.loadConversation(userId))
    const language = Option.match(Option.flatMap(stored, languageOf), {
      onNone: () => defaultLanguage,
      onSome: (conversation) => conversation.language
    })
    const languageCode =
      language === "he"
        ? Option.getOrElse(settings.reengagementTemplateLanguageHebrew, () => settings.reengagementTemplateLanguage)
        : settings.reengagementTemplateLanguage
    return OutgoingMessage.Template({ name: settings.reengagementTemplate, languageCode, bodyParameters: [] })
  })
