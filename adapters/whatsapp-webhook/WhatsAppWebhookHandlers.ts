import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { BotApi } from "../../contracts/http/BotApi.js"
import { VerificationRefused } from "../../contracts/http/HttpErrors.js"
import { whatsAppWebhookMaxBytes } from "../../contracts/http/WhatsAppWebhookApi.js"
import { verifyHandshake } from "../whatsapp-cloud/verifySignature.js"
import { readBoundedBody } from "../http-api/readBoundedBody.js"
import { receiveWhatsAppWebhook } from "./receiveWhatsAppWebhook.js"
import { WhatsAppWebhookSettings } from "./WhatsAppWebhookSettings.js"

/**
 * The WhatsApp webhook's routes: Meta's handshake, and each POST's body read (bounded) and handed
 * to `receiveWhatsAppWebhook`. The standalone server takes the common POST before this route (see
 * `adapters/http-node/DirectWhatsAppWebhook.ts`); Azure Functions and odd requests come here.
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
        readBoundedBody(request, whatsAppWebhookMaxBytes).pipe(
          Effect.flatMap((body) => receiveWhatsAppWebhook(body, request.headers["x-hub-signature-256"])),
          Effect.as(HttpServerResponse.empty({ status: 200 }))
        )
      )
  })
)
