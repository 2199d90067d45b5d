import { Schema } from "effect"

/** The languages the bot speaks; each person has one, switchable in the chat. */
export const Language = Schema.Literal("en", "he")
export type Language = typeof Language.Type

export const defaultLanguage: Language = "en"

/** Words a person may type to switch language, in either language and script. */
const languageWords: ReadonlyArray<readonly [string, Language]> = [
  ["english", "en"],
  ["אנגלית", "en"],
  ["hebrew", "he"],
  ["ivrit", "he"],
  ["עברית", "he"]
]

/** The language a short text asks for ("english", "עברית"), if that is all it says. */
export const languageAskedFor = (text: string): Language | undefined => {
  const word = text.trim().toLowerCase()
  return languageWords.find(([candidate]) => candidate === word)?.[1]
}
