import { DateTime, Schema } from "effect"
import { WireId } from "../whatsapp/WireText.js"

/**
 * The bounds of what a payment webhook may name. A signed body is still the sender's bytes: a
 * value the store cannot hold must be refused here, with a 400, and never reach a query.
 */

/** The most a payment may be, in minor units: what a 32-bit integer holds (21 million dollars). */
export const maxAmountMinor = 2_147_483_647

export const AmountMinor = Schema.Int.pipe(Schema.between(0, maxAmountMinor))

/** A provider's or our own id: no NUL or unpaired surrogate, at most 256 characters. */
export const PaymentReference = WireId

/** A payment's own id, which must say something. */
export const PaymentId = PaymentReference.pipe(Schema.filter((id) => id.trim().length > 0 && id.trim() === id, {
  message: () => "a non-empty id without surrounding spaces"
}))

/** Payments happen between 2000 and the end of the year 9999; anything else is no payment time. */
const earliestPaymentMillis = Date.UTC(2000, 0, 1)
const latestPaymentMillis = Date.UTC(9999, 11, 31, 23, 59, 59)

/** ISO 8601, within the years a payment can have been made. */
export const PaymentTime = Schema.DateTimeUtc.pipe(
  Schema.filter((time) => {
    const millis = DateTime.toEpochMillis(time)
    return millis >= earliestPaymentMillis && millis <= latestPaymentMillis
  }, { message: () => "a time between the year 2000 and the year 9999" })
)

/** Unix seconds, within the same years. */
export const PaymentUnixSeconds = Schema.Int.pipe(
  Schema.between(earliestPaymentMillis / 1000, Math.floor(latestPaymentMillis / 1000))
)
