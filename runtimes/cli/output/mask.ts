import { Option } from "effect"

const bullets = (count: number): string => "•".repeat(Math.max(count, 0))

/**
 * A phone number as an operator may see it: the country and area prefix and the last two digits,
 * e.g. `+97250•••••11`. Enough to recognise a person on a support call, never enough to dial them.
 */
export const maskPhone = (waId: string): string => {
  const digits = waId.replace(/\D/g, "")
  if (digits.length <= 6) return `+${bullets(digits.length - 2)}${digits.slice(-2)}`
  return `+${digits.slice(0, 5)}${bullets(digits.length - 7)}${digits.slice(-2)}`
}

/** A business-scoped user id keeps its country prefix and last characters only. */
export const maskBsuid = (bsuid: string): string => {
  const dot = bsuid.indexOf(".")
  const prefix = dot >= 0 ? bsuid.slice(0, dot + 1) : ""
  const rest = bsuid.slice(prefix.length)
  return rest.length <= 4 ? `${prefix}${bullets(rest.length)}` : `${prefix}${bullets(rest.length - 3)}${rest.slice(-3)}`
}

export const maskedPhone = (waId: Option.Option<string>): string => Option.match(waId, { onNone: () => "-", onSome: maskPhone })

export const maskedBsuid = (bsuid: Option.Option<string>): string => Option.match(bsuid, { onNone: () => "-", onSome: maskBsuid })
