import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { WebhookEnvelope } from "../whatsapp/Webhook.js"
import { MalformedRequest, PayloadTooLarge, TemporarilyUnavailable, Unauthenticated, VerificationRefused } from "./HttpErrors.js"

/** Kept from the original bot, so an existing Meta app configuration keeps working. */
export const whatsAppWebhookPath = "/SmsReceived"

/** Meta allows webhook payloads of up to 3 MB. */
export const whatsAppWebhookMaxBytes = 3 * 1024 * 1024

export const VerificationParams = Schema.Struct({
  "hub.mode": Schema.optional(Schema.String),
  "hub.verify_token": Schema.optional(Schema.String),
  "hub.challenge": Schema.optional(Schema.String)
})

export const WebhookSignatureHeaders = Schema.Struct({
  "x-hub-signature-256": Schema.optional(Schema.String).annotations({
    description: "sha256=<hex HMAC-SHA256 of the raw body with the app secret>"
  })
})

export class WhatsAppWebhookApi extends HttpApiGroup.make("whatsapp")
  .add(
    HttpApiEndpoint.get("verify", whatsAppWebhookPath)
      .setUrlParams(VerificationParams)
      .addSuccess(HttpApiSchema.Text())
      .addError(VerificationRefused)
  )
  .add(
    HttpApiEndpoint.post("receive", whatsAppWebhookPath)
      .setHeaders(WebhookSignatureHeaders)
      .setPayload(WebhookEnvelope)
      .addSuccess(HttpApiSchema.Empty(200))
      .addError(MalformedRequest)
      .addError(Unauthenticated)
      .addError(PayloadTooLarge)
      .addError(TemporarilyUnavailable)
  )
{}
