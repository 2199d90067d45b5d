import { Effect } from "effect"
import { ingestInboundEvents } from "../../application/messaging/ingestInboundEvents.js"
import { countWebhookReceived, countWebhookRefused, signatureRefusal } from "../../application/metrics/BotMetrics.js"
import { MalformedRequest, TemporarilyUnavailable, Unauthenticated } from "../../contracts/http/HttpErrors.js"
import { readWebhook } from "../../contracts/whatsapp/readWebhook.js"
import { verifySignatureWithAny } from "../whatsapp-cloud/verifySignature.js"
import { keepOurNumber } from "./otherNumbers.js"
import { WhatsAppWebhookSettings } from "./WhatsAppWebhookSettings.js"

const textDecoder = new TextDecoder("utf-8", { fatal: true })

/**
 * Where a WhatsApp message enters the bot, whichever HTTP server received the POST: the signature
 * over the raw bytes, the webhook read element by element, and everything readable stored before
 * the answer. An element that cannot be read is logged by its position (never its content) and
 * left out: refusing the body would make Meta redeliver it, unchanged, for days.
 */
export const receiveWhatsAppWebhook = (body: Uint8Array, signatureHeader: string | undefined) =>
  Effect.gen(function* () {
    yield* countWebhookReceived("whatsapp")
    const settings = yield* WhatsAppWebhookSettings
    const signature = verifySignatureWithAny(
      [settings.appSecret, ...(settings.previousAppSecret === undefined ? [] : [settings.previousAppSecret])],
      body,
      signatureHeader
    )
    if (signature._tag !== "Valid") {
      yield* countWebhookRefused("whatsapp", signatureRefusal(signature._tag))
      return yield* new Unauthenticated({ message: `webhook signature ${signature._tag.toLowerCase()}` })
    }
    const text = yield* Effect.try({
      try: () => textDecoder.decode(body),
      catch: () => new MalformedRequest({ message: "The body is not UTF-8." })
    }).pipe(Effect.tapError(() => countWebhookRefused("whatsapp", "not_utf8")))
    const webhook = yield* Effect.mapError(
      readWebhook(text),
      (error) => new MalformedRequest({ message: `Not a WhatsApp webhook: ${error.reason.slice(0, 500)}` })
    ).pipe(Effect.tapError(() => countWebhookRefused("whatsapp", "malformed")))
    if (webhook.unreadable.length > 0) {
      yield* Effect.logWarning("Webhook elements left out, unreadable", { unreadable: webhook.unreadable })
    }
    const events = yield* keepOurNumber(webhook.events, settings.numberId)
    const summary = yield* ingestInboundEvents(events).pipe(
      Effect.catchTag("StorageUnavailable", (error) =>
        Effect.logError("Webhook not stored; Meta will retry", { reason: error.reason }).pipe(
          Effect.zipRight(countWebhookRefused("whatsapp", "storage_unavailable")),
          Effect.zipRight(Effect.fail(new TemporarilyUnavailable({ message: "Storage is unavailable; retry later." })))
        )
      )
    )
    yield* Effect.logDebug("Webhook stored", summary)
  })
