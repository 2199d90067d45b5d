import { Schema } from "effect"

/**
 * Strings from a webhook as Postgres can store them. A JSON string may carry what no `text` or
 * `jsonb` value can (NUL, an unpaired UTF-16 surrogate); one such character must not cost the
 * message, let alone the batch that Meta would then redeliver for days.
 */

/** NUL, and (under the `u` flag, which pairs surrogates) any surrogate left unpaired. */
const unstorable = /[\0\p{Cs}]/gu
const unstorableOnce = /[\0\p{Cs}]/u

/** U+FFFD REPLACEMENT CHARACTER, Unicode's mark for a character that could not be read. */
export const replacementCharacter = "\ufffd"

export const storableText = (text: string): string =>
  unstorableOnce.test(text) ? text.replace(unstorable, replacementCharacter) : text

/** Free text (a message, a name, a title): kept, with what cannot be stored replaced by U+FFFD. */
export const Text = Schema.transform(Schema.String, Schema.String, {
  strict: true,
  decode: storableText,
  encode: (text) => text
}).annotations({ identifier: "Text" })

/** Ids are far shorter (a wamid is about 60 characters); a longer one is not an id Meta sent. */
export const maxIdLength = 256

/**
 * An identifier (a wamid, a number, a media id): replacing a character would make it another id,
 * so one that cannot be stored, or is longer than any id, is refused with its element.
 */
export const WireId = Schema.String.pipe(
  Schema.filter((id) => id.length <= maxIdLength && !unstorableOnce.test(id), {
    message: () => `an id of at most ${maxIdLength} characters, without NUL or unpaired surrogates`
  })
).annotations({ identifier: "WireId" })
