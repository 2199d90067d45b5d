import { Array as Arr, Either } from "effect"
import type { ListRow, MediaRef, OutgoingMessage, ReplyButton } from "./OutgoingMessage.js"

/**
 * Meta's limits on what a business may send (Cloud API, v23). Lengths are counted in UTF-16 code
 * units, which is never fewer than the characters Meta counts, so a message that passes here is
 * never refused for its length there.
 */
export const limits = {
  textBody: 4096,
  interactiveBody: 1024,
  header: 60,
  footer: 60,
  buttonTitle: 20,
  minButtons: 1,
  maxButtons: 3,
  buttonId: 256,
  listButtonLabel: 20,
  minSections: 1,
  maxSections: 10,
  sectionTitle: 24,
  maxRows: 10,
  rowId: 200,
  rowTitle: 24,
  rowDescription: 72,
  caption: 1024,
  /** The label of a call-to-action URL button has the same limit as a reply button's title. */
  linkLabel: 20
} as const

/** One broken rule, located by a path into the message (e.g. `sections[0].rows[2].title`). */
export interface LimitViolation {
  readonly path: string
  readonly rule: string
}

const tooLong = (path: string, value: string, max: number): ReadonlyArray<LimitViolation> =>
  value.length > max ? [{ path, rule: `at most ${max} characters, got ${value.length}` }] : []

const nonEmpty = (path: string, value: string): ReadonlyArray<LimitViolation> =>
  value.trim().length === 0 ? [{ path, rule: "must not be empty" }] : []

const required = (path: string, value: string, max: number): ReadonlyArray<LimitViolation> =>
  value.trim().length === 0 ? nonEmpty(path, value) : tooLong(path, value, max)

const optional = (path: string, value: string | undefined, max: number): ReadonlyArray<LimitViolation> =>
  value === undefined ? [] : required(path, value, max)

const count = (path: string, n: number, min: number, max: number): ReadonlyArray<LimitViolation> =>
  n < min || n > max ? [{ path, rule: `between ${min} and ${max}, got ${n}` }] : []

/** Meta refuses a message whose buttons or rows share an id: a reply could not tell them apart. */
const uniqueIds = (path: string, ids: ReadonlyArray<string>): ReadonlyArray<LimitViolation> => {
  const duplicates = Arr.dedupe(ids.filter((id, index) => ids.indexOf(id) !== index))
  return duplicates.map((id) => ({ path, rule: `duplicate id "${id}"` }))
}

const buttonViolations = (button: ReplyButton, index: number): ReadonlyArray<LimitViolation> => [
  ...required(`buttons[${index}].id`, button.id, limits.buttonId),
  ...required(`buttons[${index}].title`, button.title, limits.buttonTitle)
]

const rowViolations = (row: ListRow, path: string): ReadonlyArray<LimitViolation> => [
  ...required(`${path}.id`, row.id, limits.rowId),
  ...required(`${path}.title`, row.title, limits.rowTitle),
  ...optional(`${path}.description`, row.description, limits.rowDescription)
]

const mediaViolations = (media: MediaRef): ReadonlyArray<LimitViolation> =>
  media._tag === "Link"
    ? nonEmpty("media.url", media.url)
    : nonEmpty("media.mediaId", media.mediaId)

/** Every limit the message breaks; empty when WhatsApp would accept it. */
export const outgoingMessageViolations = (message: OutgoingMessage): ReadonlyArray<LimitViolation> => {
  switch (message._tag) {
    case "Text":
      return required("body", message.body, limits.textBody)
    case "Buttons":
      return [
        ...required("body", message.body, limits.interactiveBody),
        ...optional("header", message.header, limits.header),
        ...optional("footer", message.footer, limits.footer),
        ...count("buttons", message.buttons.length, limits.minButtons, limits.maxButtons),
        ...message.buttons.flatMap(buttonViolations),
        ...uniqueIds("buttons", message.buttons.map((button) => button.id))
      ]
    case "List": {
      const rows = message.sections.flatMap((section) => section.rows)
      return [
        ...required("body", message.body, limits.interactiveBody),
        ...optional("header", message.header, limits.header),
        ...optional("footer", message.footer, limits.footer),
        ...required("buttonLabel", message.buttonLabel, limits.listButtonLabel),
        ...count("sections", message.sections.length, limits.minSections, limits.maxSections),
        ...count("rows", rows.length, 1, limits.maxRows),
        ...message.sections.flatMap((section, s) => [
          // Meta requires a section title only when there are several sections.
          ...(message.sections.length > 1 || section.title.length > 0
            ? required(`sections[${s}].title`, section.title, limits.sectionTitle)
            : []),
          ...count(`sections[${s}].rows`, section.rows.length, 1, limits.maxRows),
          ...section.rows.flatMap((row, r) => rowViolations(row, `sections[${s}].rows[${r}]`))
        ]),
        ...uniqueIds("rows", rows.map((row) => row.id))
      ]
    }
    case "LinkButton":
      return [
        ...required("body", message.body, limits.interactiveBody),
        ...required("label", message.label, limits.linkLabel),
        ...nonEmpty("url", message.url)
      ]
    case "Image":
    case "Video":
      return [...mediaViolations(message.media), ...optional("caption", message.caption, limits.caption)]
    case "Document":
      return [
        ...mediaViolations(message.media),
        ...nonEmpty("filename", message.filename),
        ...optional("caption", message.caption, limits.caption)
      ]
    // An empty emoji is Meta's way to remove the reaction set before.
    case "Reaction":
      return nonEmpty("toMessageId", message.toMessageId)
    case "Template":
      return nonEmpty("name", message.name)
  }
}

/** The message itself when WhatsApp would accept it, otherwise every limit it breaks. */
export const checkOutgoingMessage = (
  message: OutgoingMessage
): Either.Either<OutgoingMessage, Arr.NonEmptyReadonlyArray<LimitViolation>> => {
  const violations = outgoingMessageViolations(message)
  return Arr.isNonEmptyReadonlyArray(violations) ? Either.left(violations) : Either.right(message)
}

/** Shortens text that comes from outside (pack titles, model names) to fit a limit, marking the cut. */
export const fitTo = (max: number, text: string): string => {
  if (text.length <= max) return text
  let kept = ""
  // Whole code points only: cutting an emoji in half would leave an invalid string.
  for (const char of text) {
    if (kept.length + char.length > max - 1) break
    kept += char
  }
  return `${kept.trimEnd()}…`
}
