import { createHmac } from "node:crypto"

/**
 * JSON as Meta writes webhook bodies: `/` as `\/` and every non-ASCII UTF-16 unit as a lowercase
 * `\uXXXX`. The signature is over these exact bytes, so a receiver that re-serializes the parsed
 * body (and writes `/` or `é` plainly) computes a different HMAC: the fake makes that bug visible.
 */
export const metaJson = (value: unknown): string =>
  JSON.stringify(value)
    // Slashes only occur inside JSON strings, so a global replace escapes exactly those.
    .replace(/\//g, "\\/")
    .replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)

/** The `X-Hub-Signature-256` header Meta sends for these bytes. */
export const metaSignature = (appSecret: string, body: Uint8Array | string): string =>
  `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`
