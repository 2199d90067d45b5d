import { HttpServerResponse } from "@effect/platform"
import type { HttpServerRequest } from "@effect/platform"
import { Clock, Effect } from "effect"
import { countWebhookReceived, countWebhookRefused, signatureRefusal } from "../../application/metrics/BotMetrics.js"
import { checkoutExpired } from "../../application/payments/checkoutExpired.js"
import { recordedOutcome } from "../../application/payments/PaymentOutcome.js"
import { receiveFixedPagePayment } from "../../application/payments/receiveFixedPagePayment.js"
import { receivePayment } from "../../application/payments/receivePayment.js"
import { recordMoneyBack } from "../../application/payments/recordMoneyBack.js"
import { refundSecondCharge } from "../../application/payments/refundSecondCharge.js"
import type { PaymentProviderError } from "../../application/ports/PaymentProvider.js"
import type { StorageUnavailable } from "../../application/ports/StorageUnavailable.js"
import { MalformedRequest, NotFound, TemporarilyUnavailable, Unauthenticated } from "../../contracts/http/HttpErrors.js"
import { PaymentAcknowledged, paymentWebhookMaxBytes } from "../../contracts/http/PaymentWebhookApi.js"
import { decodePaymentBody } from "../payments/decodePaymentBody.js"
import { verifyPaymentSignatureWithAny } from "../payments/PaymentSignature.js"
import { PaymentWebhookSettings } from "../payments/PaymentWebhookSettings.js"
import type { SumitPayments } from "../payments/SumitCheckout.js"
import { confirmSumitNotification, confirmSumitTrigger, type SumitNotificationRefused } from "../payments/sumitNotification.js"
import { readBoundedBody } from "./readBoundedBody.js"

const storageDown = (error: StorageUnavailable) =>
  Effect.logError("Payment not stored; the provider will retry").pipe(
    Effect.annotateLogs({ reason: error.reason }),
    Effect.zipRight(Effect.fail(new TemporarilyUnavailable({ message: "Storage is unavailable; retry later." })))
  )

const acknowledge = (outcome: string) =>
  HttpServerResponse.json(new PaymentAcknowledged({ outcome }), { status: 200 }).pipe(Effect.orDie)

/**
 * The raw handler of `PaymentWebhookApi`'s `paymentReceived` ("payments" group), for any API that
 * includes the group (the bot's: PaymentWebhookGroup.ts).
 *
 * One payment webhook: the signature over the raw bytes (Stripe's header when present, else
 * ours), then the body decoded, then the payment taken in. A refused request changes nothing.
 */
export const handlePaymentWebhook = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.gen(function* () {
    yield* countWebhookReceived("payment")
    const settings = yield* PaymentWebhookSettings
    const body = yield* readBoundedBody(request, paymentWebhookMaxBytes).pipe(Effect.tapError((error) => countWebhookRefused("payment", error._tag === "PayloadTooLarge" ? "too_large" : "unreadable")))
    // The original bot's SUMIT trigger came here: with its fixed pages, an unsigned body is that trigger.
    if (settings.sumitPages !== undefined) return yield* takeSumitTrigger(settings.sumitPages, body, request.headers["content-type"])
    const header = request.headers["stripe-signature"] ?? request.headers["x-signature"]
    const signature = verifyPaymentSignatureWithAny(
      [settings.secret, ...(settings.previousSecret === undefined ? [] : [settings.previousSecret])],
      body,
      header,
      yield* Clock.currentTimeMillis
    )
    if (signature._tag !== "Valid") {
      yield* Effect.logWarning("Payment webhook refused").pipe(Effect.annotateLogs({ signature: signature._tag }))
      yield* countWebhookRefused("payment", signatureRefusal(signature._tag))
      return yield* new Unauthenticated({ message: `payment signature ${signature._tag}` })
    }
    const decoded = yield* decodePaymentBody(body, settings.liveMode === undefined ? {} : { liveMode: settings.liveMode }).pipe(
      Effect.mapError((error) => new MalformedRequest({ message: error.reason })),
      Effect.tapError(() => countWebhookRefused("payment", "malformed"))
    )
    if (decoded._tag === "Ignored") {
      yield* Effect.logInfo("Payment webhook ignored").pipe(Effect.annotateLogs({ reason: decoded.reason }))
      return yield* acknowledge("ignored")
    }
    if (decoded._tag === "CheckoutExpired") {
      yield* checkoutExpired(decoded.orderId, decoded.providerReference).pipe(Effect.catchTag("StorageUnavailable", storageDown))
      yield* Effect.logInfo("Checkout expired").pipe(Effect.annotateLogs({ orderId: decoded.orderId, checkout: decoded.providerReference }))
      return yield* acknowledge("checkout_expired")
    }
    if (decoded._tag === "Refunded" || decoded._tag === "Disputed") {
      const outcome = yield* recordMoneyBack({
        kind: decoded._tag === "Refunded" ? "refunded" : "disputed",
        eventId: decoded.eventId,
        provider: "stripe",
        providerPaymentId: decoded.providerPaymentId,
        amountMinor: decoded._tag === "Refunded" ? decoded.amountRefundedMinor : decoded.amountMinor,
        paymentAmountMinor: decoded.amountMinor,
        currency: decoded.currency,
        at: decoded.at
      }).pipe(Effect.catchTag("StorageUnavailable", storageDown))
      return yield* acknowledge(outcome)
    }
    const outcome = yield* receivePayment(decoded.payment).pipe(Effect.catchTag("StorageUnavailable", storageDown))
    yield* refundSecondCharge(decoded.payment, outcome)
    return yield* acknowledge(recordedOutcome(outcome))
  })


/**
 * The raw handler of `sumitNotification`: SUMIT signs nothing, so the notification only names a
 * payment, which is confirmed with SUMIT's API before it is taken in like any other.
 */
export const handleSumitNotification = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.gen(function* () {
    const settings = yield* PaymentWebhookSettings
    if (settings.sumitPages !== undefined) {
      return yield* takeSumitTrigger(settings.sumitPages, yield* readBoundedBody(request, paymentWebhookMaxBytes), request.headers["content-type"])
    }
    if (settings.sumit === undefined) return yield* new NotFound({ message: "This bot does not take payments with SUMIT." })
    const body = yield* readBoundedBody(request, paymentWebhookMaxBytes)
    const params = new URL(request.url, "http://bot").searchParams
    const payment = yield* confirmSumitNotification(settings.sumit, {
      body,
      contentType: request.headers["content-type"],
      order: params.get("order") ?? undefined,
      token: params.get("token") ?? undefined
    }).pipe(sumitRefusals)
    const outcome = yield* receivePayment(payment).pipe(Effect.catchTag("StorageUnavailable", sumitStorageDown))
    yield* refundSecondCharge(payment, outcome)
    return yield* acknowledge(recordedOutcome(outcome))
  })

/** What SUMIT is answered when a notification cannot be confirmed: nothing was changed. */
const sumitRefusals = <A, R>(effect: Effect.Effect<A, SumitNotificationRefused | PaymentProviderError, R>) =>
  effect.pipe(
    Effect.catchTags({
      Unreadable: (refused) => Effect.fail(new MalformedRequest({ message: refused.reason })),
      NotGenuine: (refused) =>
        Effect.logWarning("SUMIT notification refused").pipe(
          Effect.annotateLogs({ reason: refused.reason }),
          Effect.zipRight(Effect.fail(new Unauthenticated({ message: "not a payment SUMIT confirms" })))
        ),
      PaymentRequestRefused: (refused) => Effect.fail(new Unauthenticated({ message: refused.reason })),
      PaymentProviderUnavailable: (error) =>
        Effect.logWarning("SUMIT could not confirm a notification; it will be retried").pipe(
          Effect.annotateLogs({ reason: error.reason }),
          Effect.zipRight(Effect.fail(new TemporarilyUnavailable({ message: "SUMIT is unavailable; retry later." })))
        )
    })
  )

const sumitStorageDown = (error: StorageUnavailable) =>
  Effect.logError("Payment not stored; SUMIT will retry").pipe(
    Effect.annotateLogs({ reason: error.reason }),
    Effect.zipRight(Effect.fail(new TemporarilyUnavailable({ message: "Storage is unavailable; retry later." })))
  )

/**
 * The original bot's trigger from a fixed SUMIT page: confirmed with `payments/get`, then matched
 * to the payer's open order by SUMIT's phone and amount (receiveFixedPagePayment.ts).
 */
const takeSumitTrigger = (sumit: SumitPayments["Type"], body: Uint8Array, contentType: string | undefined) =>
  Effect.gen(function* () {
    const payment = yield* confirmSumitTrigger(sumit, { body, contentType }).pipe(sumitRefusals)
    const taken = yield* receiveFixedPagePayment(payment).pipe(Effect.catchTag("StorageUnavailable", sumitStorageDown))
    if (taken._tag === "Unmatched") return yield* acknowledge(taken.isNew ? "unmatched" : "duplicate")
    yield* refundSecondCharge(taken.payment, taken.outcome)
    return yield* acknowledge(recordedOutcome(taken.outcome))
  })
