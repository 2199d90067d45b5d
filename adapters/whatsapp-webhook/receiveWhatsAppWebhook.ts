import { Effect, ParseResult, Schema } from "effect"
import { ingestInboundEvents } from "../../application/messaging/ingestInboundEvents.js"
import { MalformedRequest, TemporarilyUnavailable, Unauthenticated } from "../../contracts/http/HttpErrors.js"
import { normalizeWebhook } from "../../contracts/whatsapp/InboundEvent.js"
import { WebhookEnvelopeFromJson } from "../../contracts/whatsapp/Webhook.js"
import { verifySignature } from "../whatsapp-cloud/verifySignature.js"
import { WhatsAppWebhookSettings } from "./WhatsAppWebhookSettings.js"

const decodeEnvelope = Schema.decode(WebhookEnvelopeFromJson)
const textDecoder = new TextDecoder("utf-8", { fatal: true })

/**
 * Where a WhatsApp message enters the bot, whichever HTTP server received the POST: the signature
 * over the raw bytes, the envelope decoded, and everything stored before the answer.
 */
export const receiveWhatsAppWebhook = (body: Uint8Array, signatureHeader: string | undefined) =>
  Effect.gen(function* () {
    const settings = yield* WhatsAppWebhookSettings
    const signature = verifySignature(settings.appSecret, body, signatureHeader)
    if (signature._tag !== "Valid") {
      return yield* new Unauthenticated({ message: `webhook signature ${signature._tag.toLowerCase()}` })
    }
    const text = yield* Effect.try({
      try: () => textDecoder.decode(body),
      catch: () => new MalformedRequest({ message: "The body is not UTF-8." })
    })
    const envelope = yield* decodeEnvelope(text).pipe(
      Effect.mapError(
        (error) =>
          new MalformedRequest({
            message: `Not a WhatsApp webhook: ${ParseResult.TreeFormatter.formatErrorSync(error).slice(0, 500)}`
          })
      )
    )
    const summary = yield* ingestInboundEvents(normalizeWebhook(envelope)).pipe(
      Effect.catchTag("StorageUnavailable", (error) =>
        Effect.logError("Webhook not stored; Meta will retry", { reason: error.reason }).pipe(
          Effect.zipRight(Effect.fail(new TemporarilyUnavailable({ message: "Storage is unavailable; retry later." })))
        )
      )
    )
    yield* Effect.logDebug("Webhook stored", summary)
  })
