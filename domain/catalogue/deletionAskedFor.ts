import { spokenPhrase } from "./spokenPhrase.js"

/** What a person may type to ask for their data to be erased, in either language. */
const deletionPhrases: ReadonlyArray<string> = [
  "delete my data",
  "erase my data",
  "delete my photos",
  "מחק את המידע שלי",
  "מחקו את המידע שלי",
  "מחיקת המידע שלי",
  "מחק את הנתונים שלי"
]

/** Whether a text asks for erasure ("Delete my data!", "מחקו את המידע שלי"); a confirmation follows. */
export const deletionAskedFor = (text: string): boolean => {
  const said = spokenPhrase(text)
  return deletionPhrases.some((phrase) => said === phrase || said === `please ${phrase}` || said === `${phrase} please`)
}
