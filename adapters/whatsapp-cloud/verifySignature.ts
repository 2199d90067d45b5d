import { createHmac, timingSafeEqual } from "node:crypto"
import { Data, Redacted } from "effect"

/**
 * Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>`,
 * computed over the exact bytes received. Re-serializing the parsed JSON would lose Meta's `\/`
 * and `\uXXXX` escapes and reject real webhooks, so this takes bytes, never a parsed body.
 */

export type SignatureCheck =
  | { readonly _tag: "Valid" }
  /** No header at all. */
  | { readonly _tag: "Missing" }
  /** Not of the form `sha256=<64 hex digits>`. */
  | { readonly _tag: "Malformed"; readonly header: string }
  | { readonly _tag: "Mismatch" }

const headerPattern = /^sha256=([0-9a-fA-F]{64})$/

export const signBody = (appSecret: Redacted.Redacted<string> | string, body: Uint8Array | string): string =>
  `sha256=${createHmac("sha256", typeof appSecret === "string" ? appSecret : Redacted.value(appSecret)).update(body).digest("hex")}`

/** Checks the header against the raw body, in constant time. */
export const verifySignature = (
  appSecret: Redacted.Redacted<string>,
  body: Uint8Array,
  header: string | undefined
): SignatureCheck => {
  if (header === undefined || header.length === 0) return { _tag: "Missing" }
  const match = headerPattern.exec(header.trim())
  if (match === null) return { _tag: "Malformed", header: header.slice(0, 80) }
  const expected = createHmac("sha256", Redacted.value(appSecret)).update(body).digest()
  const received = Buffer.from(match[1] ?? "", "hex")
  return received.length === expected.length && timingSafeEqual(received, expected)
    ? { _tag: "Valid" }
    : { _tag: "Mismatch" }
}

/**
 * Checks the header against each secret (the current one, and the one before it while a rotation
 * lasts): valid when any of them signed the body. Every secret is compared, in constant time.
 */
export const verifySignatureWithAny = (
  secrets: readonly [Redacted.Redacted<string>, ...ReadonlyArray<Redacted.Redacted<string>>],
  body: Uint8Array,
  header: string | undefined
): SignatureCheck => {
  const checks = secrets.map((secret) => verifySignature(secret, body, header))
  return checks.find((check) => check._tag === "Valid") ?? checks[0]!
}

export type HandshakeResult = Data.TaggedEnum<{
  /** Answer 200 with `challenge` as the raw text body. */
  Accepted: { readonly challenge: string }
  /** Answer 403. */
  Refused: { readonly reason: "wrong_mode" | "wrong_token" | "missing_challenge" }
}>
export const HandshakeResult = Data.taggedEnum<HandshakeResult>()

const tokensEqual = (a: string, b: string): boolean => {
  const left = Buffer.from(a, "utf8")
  const right = Buffer.from(b, "utf8")
  return left.length === right.length && timingSafeEqual(left, right)
}

/** Meta's subscription handshake: `hub.mode=subscribe`, our verify token, and a challenge to echo. */
export const verifyHandshake = (
  verifyToken: Redacted.Redacted<string>,
  params: { readonly mode?: string | undefined; readonly token?: string | undefined; readonly challenge?: string | undefined }
): HandshakeResult => {
  if (params.mode !== "subscribe") return HandshakeResult.Refused({ reason: "wrong_mode" })
  if (params.token === undefined || !tokensEqual(params.token, Redacted.value(verifyToken))) {
    return HandshakeResult.Refused({ reason: "wrong_token" })
  }
  if (params.challenge === undefined || params.challenge.length === 0) {
    return HandshakeResult.Refused({ reason: "missing_challenge" })
  }
  return HandshakeResult.Accepted({ challenge: params.challenge })
}
