import { createHmac, timingSafeEqual } from "node:crypto"
import { Array as Arr, Data, Redacted } from "effect"

/**
 * Payment webhook signatures in Stripe's scheme, for both `X-Signature` (our own event) and
 * `Stripe-Signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. Several
 * `v1` may be present while a secret is rolled over; any one matching is enough. The timestamp is
 * inside the signed payload, so a captured request cannot be replayed later with a fresh one.
 */
export type PaymentSignatureCheck = Data.TaggedEnum<{
  Valid: { readonly timestamp: number }
  /** No header at all. */
  Missing: Record<never, never>
  /** No `t=<digits>` or no `v1=<64 hex digits>`. */
  Malformed: { readonly header: string }
  /** No `v1` is the HMAC of this body and timestamp with our secret: forged or altered. */
  Mismatch: Record<never, never>
  /**
   * Authentic, but signed more than the tolerance ago (a late delivery or a replay) or ahead of
   * our clock by more than it. `ageSeconds` is negative for the future.
   */
  OutsideTolerance: { readonly ageSeconds: number }
}>
export const PaymentSignatureCheck = Data.taggedEnum<PaymentSignatureCheck>()

/** Stripe's default: five minutes either way. */
export const defaultToleranceSeconds = 300

const digest = (secret: string, timestamp: number, body: Uint8Array | string): Buffer =>
  createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest()

/** The header value a provider sends for `body` signed at `timestamp` (unix seconds). */
export const signPaymentPayload = (
  secret: Redacted.Redacted<string> | string,
  timestamp: number,
  body: Uint8Array | string
): string =>
  `t=${timestamp},v1=${digest(typeof secret === "string" ? secret : Redacted.value(secret), timestamp, body).toString("hex")}`

interface ParsedHeader {
  readonly timestamp: number
  readonly signatures: ReadonlyArray<Buffer>
}

const parseHeader = (header: string): ParsedHeader | undefined => {
  let timestamp: number | undefined
  const signatures: Array<Buffer> = []
  for (const part of header.split(",")) {
    const [key, value = ""] = part.trim().split("=", 2)
    if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value)
    // Other schemes (Stripe's v0 test signatures) are ignored, as Stripe's own libraries do.
    if (key === "v1" && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(Buffer.from(value, "hex"))
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures }
}

/** Checks a signature header against the raw body, in constant time, at `nowMillis`. */
export const verifyPaymentSignature = (
  secret: Redacted.Redacted<string>,
  body: Uint8Array,
  header: string | undefined,
  nowMillis: number,
  toleranceSeconds: number = defaultToleranceSeconds
): PaymentSignatureCheck => {
  if (header === undefined || header.trim().length === 0) return PaymentSignatureCheck.Missing()
  const parsed = parseHeader(header)
  if (parsed === undefined) return PaymentSignatureCheck.Malformed({ header: header.slice(0, 120) })
  const expected = digest(Redacted.value(secret), parsed.timestamp, body)
  // Every candidate is compared, so the time taken does not tell which one matched.
  const matched = parsed.signatures.reduce(
    (found, candidate) => timingSafeEqual(candidate, expected) || found,
    false
  )
  if (!matched) return PaymentSignatureCheck.Mismatch()
  const ageSeconds = Math.floor(nowMillis / 1000) - parsed.timestamp
  return Math.abs(ageSeconds) > toleranceSeconds
    ? PaymentSignatureCheck.OutsideTolerance({ ageSeconds })
    : PaymentSignatureCheck.Valid({ timestamp: parsed.timestamp })
}

/**
 * Checks the header against each secret (the current one, and the one before it while a rotation
 * lasts): valid when any of them signed the body; authentic but late when one did, long ago.
 * Every secret is compared, in constant time.
 */
export const verifyPaymentSignatureWithAny = (
  secrets: readonly [Redacted.Redacted<string>, ...ReadonlyArray<Redacted.Redacted<string>>],
  body: Uint8Array,
  header: string | undefined,
  nowMillis: number
): PaymentSignatureCheck => {
  const checks = Arr.map(secrets, (secret) => verifyPaymentSignature(secret, body, header, nowMillis))
  return checks.find((check) => check._tag === "Valid") ?? checks.find((check) => check._tag === "OutsideTolerance") ?? Arr.headNonEmpty(checks)
}
