import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { Effect, ParseResult, Schema } from "effect"
import { ingestInboundEvents } from "../../application/messaging/ingestInboundEvents.js"
import { BotApi } from "../../contracts/http/BotApi.js"
import {
  MalformedRequest,
  TemporarilyUnavailable,
  Unauthenticated,
  VerificationRefused
} from "../../contracts/http/HttpErrors.js"
import { whatsAppWebhookMaxBytes } from "../../contracts/http/WhatsAppWebhookApi.js"
import { normalizeWebhook } from "../../contracts/whatsapp/InboundEvent.js"
import { WebhookEnvelopeFromJson } from "../../contracts/whatsapp/Webhook.js"
import { verifyHandshake, verifySignature } from "../whatsapp-cloud/verifySignature.js"
import { readBoundedBody } from "./readBoundedBody.js"
import { WhatsAppWebhookSettings } from "./WhatsAppWebhookSettings.js"

const decodeEnvelope = Schema.decode(WebhookEnvelopeFromJson)
const textDecoder = new TextDecoder("utf-8", { fatal: true })

/**
 * Where a WhatsApp message enters the bot. The handshake, then for each POST: the signature over
 * the raw bytes, the envelope decoded, and everything stored in one transaction before the 200.
 */
export const WhatsAppWebhookHandlers = HttpApiBuilder.group(BotApi, "whatsapp", (handlers) =>
  Effect.gen(function* () {
    const settings = yield* WhatsAppWebhookSettings
    return handlers
      .handle("verify", ({ urlParams }) => {
        const result = verifyHandshake(settings.verifyToken, {
          mode: urlParams["hub.mode"],
          token: urlParams["hub.verify_token"],
          challenge: urlParams["hub.challenge"]
        })
        return result._tag === "Accepted"
          ? Effect.succeed(result.challenge)
          : Effect.logWarning("Webhook handshake refused", { reason: result.reason }).pipe(
              Effect.zipRight(Effect.fail(new VerificationRefused()))
            )
      })
      .handleRaw("receive", ({ request }) =>
        Effect.gen(function* () {
          const body = yield* readBoundedBody(request, whatsAppWebhookMaxBytes)
          const signature = verifySignature(settings.appSecret, body, request.headers["x-hub-signature-256"])
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
          return HttpServerResponse.empty({ status: 200 })
        })
      )
  })
)
