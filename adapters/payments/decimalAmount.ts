/**
 * An amount in minor units as the decimal a checkout page shows: 1290 USD is "12.90", 1200 JPY is
 * "1200", 12345 KWD is "12.345". The digits are ISO 4217's, as Node's Intl knows them; integer
 * arithmetic only, so money never meets floating point. Undefined for a code Intl refuses.
 */
export const decimalAmount = (amountMinor: number, currency: string): string | undefined => {
  let digits: number
  try {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return undefined
  }
  if (digits === 0) return String(amountMinor)
  const scale = 10 ** digits
  return `${Math.trunc(amountMinor / scale)}.${String(amountMinor % scale).padStart(digits, "0")}`
}
