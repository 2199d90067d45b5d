import { spokenPhrase } from "./spokenPhrase.js"

/** What a person may type to have their payment link again, in either language. */
const paymentPhrases: ReadonlyArray<string> = ["pay", "pay now", "payment", "payment link", "לשלם", "לתשלום", "תשלום", "קישור לתשלום"]

/** Whether a text asks to pay ("Pay!", "לתשלום"): the order awaiting payment gets its link, renewed if it expired. */
export const paymentAskedFor = (text: string): boolean => paymentPhrases.includes(spokenPhrase(text))
