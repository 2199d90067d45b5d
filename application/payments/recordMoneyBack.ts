import { Clock, Effect, Option } from "effect"
import { OrderId } from "../../domain/ids.js"
import { Orders } from "../ports/Orders.js"
import { PaymentRecord, PaymentRecords } from "../ports/PaymentRecords.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { Users } from "../ports/Users.js"

/** Money going back, as a provider reported it: a refund (ours or the provider's) or a dispute. */
export interface MoneyBack {
  readonly kind: "refunded" | "disputed"
  /** The provider's id of this report (Stripe's event id): it takes effect once. */
  readonly eventId: string
  readonly provider: string
  /** The money it concerns (Stripe's payment intent, or the charge). */
  readonly providerPaymentId: string
  /** A refund: the total refunded so far; a dispute: the amount disputed. */
  readonly amountMinor: number
  /** The payment's whole amount, to tell a full refund from a partial one. */
  readonly paymentAmountMinor: number
  readonly currency: string
  readonly at: Date
}

export type MoneyBackOutcome = "duplicate" | "refunded" | "partially_refunded" | "disputed" | "unknown_payment"

/**
 * Records a refund or a dispute on the payment's order, in one transaction: a row in the payments
 * (listed by `payments review`), and, when it is the money that paid the order, the order moved to
 * `Refunded` (the whole payment back) or `Disputed`. A report naming money the bot never recorded
 * is kept for review too.
 */
export const recordMoneyBack = (report: MoneyBack) =>
  Effect.gen(function* () {
    const records = yield* PaymentRecords
    const orders = yield* Orders
    const users = yield* Users
    const outcome = yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(
        Effect.gen(function* () {
          const original = yield* records.byProviderPaymentId(report.provider, report.providerPaymentId)
          const order = yield* Option.match(original, {
            onNone: () => Effect.succeed(Option.none()),
            onSome: (payment) => orders.get(OrderId.make(payment.orderId))
          })
          if (Option.isSome(order)) yield* users.lock(order.value.userId)
          const full = report.kind === "refunded" && report.amountMinor >= report.paymentAmountMinor
          const outcome: MoneyBackOutcome = Option.isNone(original)
            ? "unknown_payment"
            : report.kind === "disputed"
              ? "disputed"
              : full
                ? "refunded"
                : "partially_refunded"
          const isNew = yield* records.recordIfNew(
            new PaymentRecord({
              id: report.eventId,
              provider: report.provider,
              orderId: Option.match(original, { onNone: () => "", onSome: (payment) => payment.orderId }),
              userRef: Option.flatMap(original, (payment) => payment.userRef),
              amountMinor: report.amountMinor,
              currency: report.currency,
              tier: Option.flatMap(original, (payment) => payment.tier),
              status: report.kind,
              outcome,
              paidAt: report.at,
              receivedAt: new Date(yield* Clock.currentTimeMillis),
              providerPaymentId: Option.some(report.providerPaymentId)
            })
          )
          if (!isNew) return "duplicate" as const
          // Only the money that paid the order moves it: a refunded second charge leaves it paid.
          const paidTheOrder = Option.exists(original, (payment) => payment.outcome === "accepted" || payment.outcome === "overpaid")
          if (Option.isSome(order) && paidTheOrder && (outcome === "refunded" || outcome === "disputed")) {
            yield* orders.moveTo(order.value.id, outcome === "refunded" ? "Refunded" : "Disputed")
          }
          return outcome
        })
      )
    )
    if (outcome !== "duplicate") {
      yield* Effect.logWarning(report.kind === "disputed" ? "Payment disputed; see payments review" : "Payment refunded").pipe(
        Effect.annotateLogs({ provider: report.provider, providerPaymentId: report.providerPaymentId, outcome })
      )
    }
    return outcome
  })
