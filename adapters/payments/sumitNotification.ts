import { Clock, Data, Effect, Either, Option, Schema } from "effect"
import type { FixedPagePayment } from "../../application/payments/receiveFixedPagePayment.js"
import { ReceivedPayment } from "../../application/payments/ReceivedPayment.js"
import { sumitPaymentRecordId } from "../../contracts/payments/SumitApi.js"
import type { PaymentProviderError } from "../../application/ports/PaymentProvider.js"
import { readSumitNotification, tokenMatches, type SumitConfirmedPayment, type SumitPayments } from "./SumitCheckout.js"

/** Why a SUMIT notification is not taken: none of these changes anything. */
export type SumitNotificationRefused = Data.TaggedEnum<{
  /** No payment id in any shape SUMIT posts. */
  Unreadable: { readonly reason: string }
  /** The order's token is wrong, or SUMIT knows no such payment, or it paid another order: forged. */
  NotGenuine: { readonly reason: string }
}>
export const SumitNotificationRefused = Data.taggedEnum<SumitNotificationRefused>()

export interface SumitNotification {
  readonly body: Uint8Array
  readonly contentType: string | undefined
  /** From the notification URL the page was made with (API mode); absent for the original bot's trigger. */
  readonly order: string | undefined
  readonly token: string | undefined
}

const decodePayment = Schema.decodeUnknown(ReceivedPayment)

/** The payment a notification names, as `payments/get` tells it: a payment SUMIT does not know is forged. */
const lookUpNamedPayment = (
  sumit: SumitPayments["Type"],
  notification: Pick<SumitNotification, "body" | "contentType">
): Effect.Effect<SumitConfirmedPayment, SumitNotificationRefused | PaymentProviderError> =>
  Effect.gen(function* () {
    const paymentId = readSumitNotification(notification.body, notification.contentType)
    if (Either.isLeft(paymentId)) return yield* Effect.fail(SumitNotificationRefused.Unreadable({ reason: paymentId.left }))
    return yield* sumit.get(paymentId.right).pipe(
      Effect.catchTag("PaymentRequestRefused", (refused) => Effect.fail(SumitNotificationRefused.NotGenuine({ reason: refused.reason })))
    )
  })

/** SUMIT's answer recorded once per payment id (`sumit-<id>`), for the given order. */
const receivedPayment = (
  confirmed: SumitConfirmedPayment,
  orderId: string
): Effect.Effect<ReceivedPayment, SumitNotificationRefused> =>
  Effect.gen(function* () {
    const now = new Date(yield* Clock.currentTimeMillis)
    return yield* decodePayment({
      paymentId: sumitPaymentRecordId(confirmed.paymentId),
      orderId,
      amountMinor: confirmed.amountMinor,
      // A currency code the bot does not know matches no quote: recorded as a failed payment.
      currency: confirmed.currency ?? "XXX",
      status: confirmed.approved ? "paid" : "failed",
      paidAt: Option.getOrElse(confirmed.paidAt, () => now),
      provider: "sumit",
      providerPaymentId: confirmed.paymentId
    }).pipe(Effect.mapError((error) => SumitNotificationRefused.Unreadable({ reason: error.message })))
  })

/**
 * A SUMIT notification is only a hint: the payment is looked up with `payments/get`, and the
 * amount, currency, status and order are taken from SUMIT's answer, never from the notification.
 * Each payment id is recorded once (`sumit-<id>`), so a replayed notification changes nothing.
 */
export const confirmSumitNotification = (
  sumit: SumitPayments["Type"],
  notification: SumitNotification
): Effect.Effect<ReceivedPayment, SumitNotificationRefused | PaymentProviderError> =>
  Effect.gen(function* () {
    if (notification.order !== undefined && !tokenMatches(sumit.apiKey, notification.order, notification.token ?? "")) {
      return yield* Effect.fail(SumitNotificationRefused.NotGenuine({ reason: "the order's notification token does not match" }))
    }
    const confirmed = yield* lookUpNamedPayment(sumit, notification)
    const orderId = Option.getOrElse(confirmed.orderId, () => notification.order ?? "")
    if (notification.order !== undefined && Option.isSome(confirmed.orderId) && confirmed.orderId.value !== notification.order) {
      return yield* Effect.fail(SumitNotificationRefused.NotGenuine({ reason: `payment ${confirmed.paymentId} paid another order` }))
    }
    return yield* receivedPayment(confirmed, orderId)
  })

/**
 * The original bot's trigger from a fixed page (`PAYMENT_PROVIDER=sumit-pages`): only the payment
 * id is read from it. The amount, currency, status and the payer's phone are `payments/get`'s, so
 * a forged trigger can name a real payment but never change what it paid or who paid it.
 */
export const confirmSumitTrigger = (
  sumit: SumitPayments["Type"],
  notification: Pick<SumitNotification, "body" | "contentType">
): Effect.Effect<FixedPagePayment, SumitNotificationRefused | PaymentProviderError> =>
  Effect.gen(function* () {
    const confirmed = yield* lookUpNamedPayment(sumit, notification)
    const payment = yield* receivedPayment(confirmed, "")
    const fixedPage: FixedPagePayment = { payment, payerPhone: confirmed.customerPhone }
    return fixedPage
  })
