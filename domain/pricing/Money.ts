import { Schema } from "effect"

/** An ISO 4217 code, upper case (USD, EUR, ILS). */
export const CurrencyCode = Schema.String.pipe(Schema.pattern(/^[A-Z]{3}$/), Schema.brand("CurrencyCode"))
export type CurrencyCode = typeof CurrencyCode.Type

/** An amount in minor units (cents, agorot), so that money never meets floating point. */
export const MinorUnits = Schema.Int.pipe(Schema.nonNegative(), Schema.brand("MinorUnits"))
export type MinorUnits = typeof MinorUnits.Type

export const Money = Schema.Struct({ amount: MinorUnits, currency: CurrencyCode })
export type Money = typeof Money.Type

/** Currencies without minor units; every other currency is shown with two decimals. */
const zeroDecimalCurrencies: ReadonlySet<string> = new Set(["JPY", "KRW", "VND", "CLP", "ISK", "HUF"])

const symbols: Readonly<Record<string, string>> = { USD: "$", EUR: "€", GBP: "£", ILS: "₪" }

/** A short, language-neutral price: `$9.90`, `₪39.90`, `1200 JPY`. */
export const formatMoney = (money: Money): string => {
  const digits = zeroDecimalCurrencies.has(money.currency) ? 0 : 2
  const major = (money.amount / 10 ** digits).toFixed(digits)
  const symbol = symbols[money.currency]
  return symbol === undefined ? `${major} ${money.currency}` : `${symbol}${major}`
}
