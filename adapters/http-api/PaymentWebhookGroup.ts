import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { BotApi } from "../../contracts/http/BotApi.js"
import { handlePaymentWebhook, handleSumitNotification } from "./PaymentWebhookHandlers.js"

/**
 * `POST /payment-received` (the handler reads the raw bytes to check the signature) and `POST
 * /payment-received/sumit` (unsigned, confirmed with SUMIT's API) in the bot's API.
 */
export const PaymentWebhookGroup = HttpApiBuilder.group(BotApi, "payments", (handlers) =>
  Effect.succeed(
    handlers
      .handleRaw("paymentReceived", ({ request }) => handlePaymentWebhook(request))
      .handleRaw("sumitNotification", ({ request }) => handleSumitNotification(request))
  )
)
