import { Clock, Effect, Option, Schema } from "effect"
import type { OrderId } from "../../domain/ids.js"
import { AttentionItems, AttentionNote } from "../ports/AttentionItems.js"
import { Orders } from "../ports/Orders.js"
import { PaymentProvider } from "../ports/PaymentProvider.js"
import { PaymentRecord, PaymentRecords } from "../ports/PaymentRecords.js"

/** Why a refund was not asked of the provider: nothing was changed. */
export class RefundRefused extends Schema.TaggedError<RefundRefused>()("RefundRefused", { reason: Schema.String }) {
  override get message(): string {
    return `Nothing was refunded: ${this.reason}`
  }
}

/** Records that moved no money in: reports of money going back, and payments never taken. */
const notMoneyTaken: ReadonlySet<string> = new Set([
  "refund_requested",
  "refunded",
  "partially_refunded",
  "disputed",
  "unknown_payment",
  "not_paid",
  "unverifiable",
  "duplicate"
])

export interface RefundRequestFromSupport {
  readonly orderId: OrderId
  /** Our id or the provider's id of the payment to refund; needed when the order has several. */
  readonly paymentId: Option.Option<string>
  /** Minor units; the whole payment when absent. */
  readonly amountMinor: Option.Option<number>
  readonly reason: string
}

export interface RefundRequested {
  readonly refundId: string
  readonly payment: PaymentRecord
  readonly amountMinor: number
}

const refused = (reason: string) => Effect.fail(new RefundRefused({ reason }))

/**
 * Support refunds money of an order through its payment provider: an order that needs attention
 * (a payment that did not match, training that cannot go on), or a payment of its own that waits
 * for review (a second charge). The refund is recorded at once as `refund_requested`, listed by
 * `payments review`, and noted on the order's open attention items; the provider's own report
 * (Stripe's `charge.refunded`) then records the refund and moves the order as for any refund.
 */
export const refundOrder = (request: RefundRequestFromSupport) =>
  Effect.gen(function* () {
    const order = yield* Effect.flatMap(Orders, (orders) => orders.get(request.orderId))
    if (Option.isNone(order)) return yield* refused(`there is no order ${request.orderId}`)
    const provider = yield* PaymentProvider
    const records = yield* PaymentRecords
    const all = yield* records.forOrder(request.orderId)
    /** What went back of this money: Stripe reports the total so far; our requests may not be reported yet. */
    const returned = (money: string) => {
      const of = all.filter((record) => Option.contains(record.providerPaymentId, money))
      const reported = Math.max(0, ...of.filter((r) => r.outcome === "refunded" || r.outcome === "partially_refunded").map((r) => r.amountMinor))
      const requested = of.filter((r) => r.outcome === "refund_requested").reduce((sum, r) => sum + r.amountMinor, 0)
      return Math.max(reported, requested)
    }
    // Each payment of this provider that took money, with the provider's id of that money.
    const taken = all.flatMap((payment) =>
      payment.provider === provider.name && !notMoneyTaken.has(payment.outcome)
        ? Option.match(payment.providerPaymentId, { onNone: () => [], onSome: (money) => [{ payment, money }] })
        : []
    )
    const listed = taken.map(({ payment }) => `${payment.id} (${payment.outcome})`).join(", ")
    const chosen = Option.match(request.paymentId, {
      onNone: () => (taken.length === 1 ? Option.fromNullable(taken[0]) : Option.none()),
      onSome: (id) => Option.fromNullable(taken.find(({ payment, money }) => payment.id === id || money === id))
    })
    if (Option.isNone(chosen)) {
      return yield* refused(
        taken.length === 0
          ? `order ${request.orderId} has no payment through ${provider.name} to refund`
          : `choose the payment with --payment: ${listed}`
      )
    }
    const { payment, money } = chosen.value
    // The money that paid an order being trained or delivered is not refunded from here.
    if (order.value.status !== "NeedsAttention" && payment.outcome === "accepted") {
      return yield* refused(
        `order ${request.orderId} is ${order.value.status}, not NeedsAttention; a payment of it under review can be named with --payment`
      )
    }
    const refundable = payment.amountMinor - returned(money)
    if (refundable <= 0) return yield* refused(`payment ${payment.id} was refunded already`)
    const amountMinor = Option.getOrElse(request.amountMinor, () => refundable)
    if (amountMinor > refundable) return yield* refused(`at most ${refundable} (minor units) of payment ${payment.id} is left to refund`)
    const refundId = yield* provider.refund({ providerPaymentId: money, amountMinor, reason: request.reason })
    const now = new Date(yield* Clock.currentTimeMillis)
    yield* records.recordIfNew(
      new PaymentRecord({
        id: refundId,
        provider: provider.name,
        orderId: payment.orderId,
        userRef: payment.userRef,
        amountMinor,
        currency: payment.currency,
        tier: payment.tier,
        status: "refund_requested",
        outcome: "refund_requested",
        paidAt: now,
        receivedAt: now,
        providerPaymentId: Option.some(money)
      })
    )
    const items = yield* Effect.flatMap(AttentionItems, (port) => port.openForOrder(request.orderId))
    const note = new AttentionNote({ at: now, author: "support", text: `refund ${refundId} of ${amountMinor} ${payment.currency} (minor units) requested: ${request.reason}` })
    yield* Effect.forEach(items, (item) => Effect.flatMap(AttentionItems, (port) => port.addNote(item.number, note)), { discard: true })
    yield* Effect.logWarning("Refund requested by support").pipe(
      Effect.annotateLogs({ orderId: request.orderId, refundId, amountMinor, provider: provider.name })
    )
    const requested: RefundRequested = { refundId, payment, amountMinor }
    return requested
  })
