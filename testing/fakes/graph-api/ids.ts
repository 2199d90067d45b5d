import { createHash, randomBytes } from "node:crypto"

/** Identifiers and digests shaped as Meta's. */

export const dayMs = 24 * 60 * 60 * 1000
export const wamid = () => `wamid.HBgL${randomBytes(24).toString("base64url")}`
export const mediaIdOf = () => `${BigInt(`0x${randomBytes(7).toString("hex")}`) % 10n ** 15n + 10n ** 15n}`
export const userIdOf = () => `US.${BigInt(`0x${randomBytes(8).toString("hex")}`)}`
export const fbtraceId = () => randomBytes(12).toString("base64url")
export const base64Sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64")
