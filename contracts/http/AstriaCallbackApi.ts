import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { MalformedRequest, NotFound, PayloadTooLarge, TemporarilyUnavailable } from "./HttpErrors.js"

export const astriaCallbackMaxBytes = 5 * 1024 * 1024

/** Our own context in the callback URL: Astria's callbacks carry no signature of their own. */
export const AstriaCallbackParams = Schema.Struct({
  order: Schema.String,
  token: Schema.String
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
