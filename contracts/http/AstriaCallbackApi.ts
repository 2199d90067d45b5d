import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { MalformedRequest, NotFound, PayloadTooLarge, TemporarilyUnavailable } from "./HttpErrors.js"

export const astriaCallbackMaxBytes = 5 * 1024 * 1024

/**
 * URL-safe characters only, as our order ids (UUIDs) and tokens (base64url) are: the callbacks
 * are unauthenticated until the order is found, so nothing else may reach that lookup (a NUL
 * byte there is a database error, not a 404).
 */
const urlSafe = (maxLength: number) =>
  Schema.String.pipe(Schema.pattern(new RegExp(`^[A-Za-z0-9_-]{1,${maxLength}}$`)))

/** Our own context in the callback URL: Astria's callbacks carry no signature of their own. */
export const AstriaCallbackParams = Schema.Struct({
  order: urlSafe(64).annotations({ description: "Our order id" }),
  token: urlSafe(128).annotations({ description: "The order's callback secret" })
})

export class AstriaCallbackApi extends HttpApiGroup.make("astria").add(
  HttpApiEndpoint.post("packTuneReceived", "/pack-tune-received")
    .setUrlParams(AstriaCallbackParams)
    .setPayload(Schema.Unknown.annotations({ description: 'An Astria callback: {"tune":...}, {"prompt":...} or an array of prompts' }))
    .addSuccess(HttpApiSchema.Empty(200))
    .addError(NotFound)
    .addError(MalformedRequest)
    .addError(PayloadTooLarge)
    .addError(TemporarilyUnavailable)
) {}
