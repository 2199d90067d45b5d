import { english } from "./english.js"
import { hebrew } from "./hebrew.js"
import type { Language } from "./Language.js"
import type { Phrases } from "./Phrases.js"

const byLanguage: Record<Language, Phrases> = { en: english, he: hebrew }

/** The phrases of a person's language. */
export const phrasesFor = (language: Language): Phrases => byLanguage[language]
