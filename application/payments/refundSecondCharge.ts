import { Config, Effect } from "effect"
import { wasPaid } from "../../domain/orders/OrderStatus.js"
import { PaymentProvider } from "../ports/PaymentProvider.js"
import type { PaymentOutcome } from "./PaymentOutcome.js"
import type { ReceivedPayment } from "./ReceivedPayment.js"

/**
 * `PAYMENT_REFUND_SECOND_CHARGES=true`: a second charge of an order already paid is refunded
 * through the provider at once. Off by default: the operator sees it in `payments review` first.
 */
export const RefundSecondChargesConfig = Config.boolean("PAYMENT_REFUND_SECOND_CHARGES").pipe(Config.withDefault(false))

/**
 * After a payment was recorded (outside its transaction, so a slow provider holds no lock): when
 * it is a second charge of a paid order and the operator enabled it, the charge is refunded. A
 * refusal or an outage is logged; the payment stays listed for review either way, and the refund's
 * own webhook records it.
 */
export const refundSecondCharge = (payment: ReceivedPayment, outcome: PaymentOutcome) =>
  Effect.gen(function* () {
    if (outcome._tag !== "NotAwaitingPayment" || !wasPaid(outcome.status) || payment.providerPaymentId === undefined) return false
    if (!(yield* Effect.orElseSucceed(RefundSecondChargesConfig, () => false))) return false
    const provider = yield* PaymentProvider
    return yield* provider.refund({ providerPaymentId: payment.providerPaymentId, reason: "duplicate" }).pipe(
      Effect.tap((refundId) =>
        Effect.logWarning("Second charge of a paid order refunded").pipe(Effect.annotateLogs({ orderId: payment.orderId, refundId }))
      ),
      Effect.as(true),
      Effect.catchAll((error) =>
        Effect.logError("Second charge of a paid order not refunded; see payments review").pipe(
          Effect.annotateLogs({ orderId: payment.orderId, error: error._tag, reason: error.reason }),
          Effect.as(false)
        )
      )
    )
  })
