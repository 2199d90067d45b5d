import { Option } from "effect"
import { decimalAmount } from "../../../adapters/payments/decimalAmount.js"

/** Times in UTC, to the second: operators compare them across machines and with the logs. */
/** Bytes as people read them, in powers of 1000: 1.5 MB, 320 kB. */
export const formatBytes = (bytes: number): string => {
  const units = ["B", "kB", "MB", "GB", "TB"]
  const power = bytes <= 0 ? 0 : Math.min(units.length - 1, Math.floor(Math.log10(bytes) / 3))
  const value = bytes / 1000 ** power
  return `${power === 0 ? value : value.toFixed(1)} ${units[power]}`
}

export const formatTime = (at: Date): string => at.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z")

export const formatOptionalTime = (at: Option.Option<Date>): string => Option.match(at, { onNone: () => "-", onSome: formatTime })

/** An amount in minor units with its currency, in ISO 4217's digits: 4900 ILS -> `49.00 ILS`. */
export const formatMoney = (amountMinor: number, currency: string): string =>
  `${decimalAmount(amountMinor, currency) ?? `${amountMinor} (minor units)`} ${currency}`

/** Long free text cut for a table cell; `--json` gives it whole. */
export const truncate = (text: string, max: number): string => {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`
}

/** How long ago, roughly: `3m`, `2h`, `5d`. */
export const formatAge = (from: Date, now: Date): string => {
  const seconds = Math.max(0, Math.round((now.getTime() - from.getTime()) / 1000))
  if (seconds < 60) return `${seconds}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`
  return `${Math.floor(seconds / 86400)}d`
}
