import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import { Effect } from "effect"

/**
 * Astria's callbacks are unsigned, so each order's callback URL carries a random secret. Only its
 * hash is stored: a leaked database does not let anyone forge a delivery.
 */
export interface CallbackToken {
  /** Goes into the callback URL, and nowhere else. */
  readonly token: string
  /** Stored with the order (hex SHA-256 of the token). */
  readonly hash: string
}

export const hashCallbackToken = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex")

/** 256 random bits, URL-safe. */
export const generateCallbackToken: Effect.Effect<CallbackToken> = Effect.sync(() => {
  const token = randomBytes(32).toString("base64url")
  return { token, hash: hashCallbackToken(token) }
})

const sha256Hex = /^[0-9a-f]{64}$/

/**
 * Whether a presented token matches the stored hash. Both sides are compared as 32-byte digests
 * with `timingSafeEqual`, so the time taken says nothing about how much of the token was right.
 */
export const verifyCallbackToken = (presented: string, storedHash: string): boolean => {
  const actual = createHash("sha256").update(presented, "utf8").digest()
  const wellFormed = sha256Hex.test(storedHash)
  // A malformed stored hash is compared against itself-sized zeros so the work stays the same.
  const expected = wellFormed ? Buffer.from(storedHash, "hex") : Buffer.alloc(actual.length)
  return timingSafeEqual(actual, expected) && wellFormed
}
