import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { BotApi } from "../../contracts/http/BotApi.js"
import { handlePaymentWebhook } from "./PaymentWebhookHandlers.js"

/** `POST /payment-received` in the bot's API; the handler reads the raw bytes to check the signature. */
export const PaymentWebhookGroup = HttpApiBuilder.group(BotApi, "payments", (handlers) =>
  Effect.succeed(handlers.handleRaw("paymentReceived", ({ request }) => handlePaymentWebhook(request)))
)
