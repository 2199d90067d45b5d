/**
 * A typed text as the phrase lists compare it: lower case, punctuation (including Hebrew geresh
 * and gershayim) dropped, white space folded, so "Pay!" and "pay" are the same request.
 */
export const spokenPhrase = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[.!?,"'״׳]/g, "")
    .replace(/\s+/g, " ")
    .trim()
