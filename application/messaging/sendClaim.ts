import { Option, Schema } from "effect"
import type { OutboundIntent, StatusClaim } from "../ports/OutboundMessages.js"

/**
 * The claim an intent is sent under, as the send's `callbackData` carries it: `<intent id>/<attempt>`.
 * WhatsApp hands it back with the message's statuses, so a send whose answer was never stored
 * (the process died before marking it sent, or the answer timed out after Meta took the message)
 * is still known to have gone out, and is not sent again when its claim's lease ends.
 */
const SendClaim = Schema.TemplateLiteralParser(Schema.UUID, "/", Schema.NumberFromString.pipe(Schema.int()))

const encodeClaim = Schema.encodeSync(SendClaim)
const decodeClaim = Schema.decodeUnknownOption(SendClaim)

/** The callback data of a send of `intent` under its current claim. */
export const sendClaimOf = (intent: OutboundIntent): string => encodeClaim([intent.id, "/", intent.attempts])

/**
 * The claim a status's callback data names, received at `receivedAt`; none for data that is not
 * ours (another app of the business account may send with its own).
 */
export const statusClaimOf = (callbackData: string | undefined, receivedAt: Date): StatusClaim | undefined =>
  callbackData === undefined
    ? undefined
    : Option.getOrUndefined(Option.map(decodeClaim(callbackData), ([intentId, , attempt]) => ({ intentId, attempt, receivedAt })))
