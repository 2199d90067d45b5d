import { Clock, Effect, Option } from "effect"
import { raiseAttention } from "../attention/raiseAttention.js"
import { OutboundWakeup } from "../events/Wakeup.js"
import type { OrderRecord } from "../ports/Orders.js"
import { Orders } from "../ports/Orders.js"
import { PaymentRecord, PaymentRecords } from "../ports/PaymentRecords.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import type { UserRecord } from "../ports/Users.js"
import { Users } from "../ports/Users.js"
import type { PaymentOutcome } from "./PaymentOutcome.js"
import { ReceivedPayment } from "./ReceivedPayment.js"
import { receivePayment } from "./receivePayment.js"

/**
 * A payment taken on a fixed-price page (the original bot's SUMIT page per tier): it names no
 * order, only the payer. Every field is the provider's confirmed answer (`payments/get`), never
 * the unsigned notification's.
 */
export interface FixedPagePayment {
  /** The payment as confirmed, its `orderId` empty: a fixed page names no order. */
  readonly payment: ReceivedPayment
  /** The payer's phone as the provider holds it, in whatever form it was typed. */
  readonly payerPhone: Option.Option<string>
}

export type FixedPageOutcome =
  /** Taken in as any payment (receivePayment): matched to the payer's order, or declined. */
  | { readonly _tag: "TakenIn"; readonly payment: ReceivedPayment; readonly outcome: PaymentOutcome }
  /** No open order of the payer at this amount: an attention item (`isNew` false for a replay). */
  | { readonly _tag: "Unmatched"; readonly isNew: boolean }

/**
 * The WhatsApp number a typed phone is, digits with the country code as Meta gives them:
 * `+972 54-123-4567` and `00972541234567` are `972541234567`; a national number (`054-1234567`)
 * is read as Israeli, since SUMIT bills in Israel and its pages take numbers as people there type them.
 */
export const whatsAppNumberOf = (phone: string): Option.Option<string> => {
  const digits = phone.replace(/[\s\-().+]/g, "")
  if (!/^\d{6,17}$/.test(digits)) return Option.none()
  if (digits.startsWith("00")) return Option.some(digits.slice(2))
  if (digits.startsWith("0")) return Option.some(`972${digits.slice(1)}`)
  return Option.some(digits)
}

const payerOf = (phone: Option.Option<string>) =>
  Option.match(Option.flatMap(phone, whatsAppNumberOf), {
    onNone: () => Effect.succeed(Option.none<UserRecord>()),
    onSome: (number) => Effect.flatMap(Users, (users) => users.findByWaId(number))
  })

/** The payer's newest order awaiting payment at exactly this amount, and the newest awaiting any. */
const openOrders = (user: UserRecord, payment: ReceivedPayment) =>
  Effect.map(Effect.flatMap(Orders, (orders) => orders.listForUser(user.id)), (all) => {
    const awaiting = all.filter((order) => order.status === "AwaitingPayment").sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    const atThisPrice = awaiting.find(
      (order) => order.amountMinor === payment.amountMinor && order.currency.toUpperCase() === payment.currency.toUpperCase()
    )
    return { atThisPrice: Option.fromNullable(atThisPrice), anyOpen: Option.fromNullable(awaiting[0]) }
  })

const received = (confirmed: FixedPagePayment, orderId: string) => new ReceivedPayment({ ...confirmed.payment, orderId })

/**
 * A fixed-price page's payment matched to the payer's open order by the confirmed phone and
 * amount, then taken in as any payment (recorded once under the person's lock, assessed against
 * the quote, training started). No order of the payer awaits this amount: the payment is recorded
 * as `unmatched` and an attention item opened, in one transaction, so a replay or a concurrent
 * duplicate (the same payment id) opens nothing more; nothing trains.
 */
export const receiveFixedPagePayment = (confirmed: FixedPagePayment) =>
  Effect.gen(function* () {
    const { payment } = confirmed
    // A declined payment names no order and is recorded as not paid, as any other provider's.
    if (payment.status !== "paid") {
      const notPaid = received(confirmed, "")
      const outcome: FixedPageOutcome = { _tag: "TakenIn", payment: notPaid, outcome: yield* receivePayment(notPaid) }
      return outcome
    }
    const payer = yield* payerOf(confirmed.payerPhone)
    const orders = Option.isSome(payer) ? yield* openOrders(payer.value, payment) : { atThisPrice: Option.none<OrderRecord>(), anyOpen: Option.none<OrderRecord>() }
    if (Option.isSome(orders.atThisPrice)) {
      // Read without the lock; receivePayment reads the order again under it and assesses that.
      const matched = received(confirmed, orders.atThisPrice.value.id)
      const outcome: FixedPageOutcome = { _tag: "TakenIn", payment: matched, outcome: yield* receivePayment(matched) }
      return outcome
    }
    const now = new Date(yield* Clock.currentTimeMillis)
    const recorded = yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(
        Effect.gen(function* () {
          const isNew = yield* Effect.flatMap(PaymentRecords, (records) =>
            records.recordIfNew(
              new PaymentRecord({
                id: payment.paymentId,
                provider: payment.provider,
                orderId: Option.match(orders.anyOpen, { onNone: () => "", onSome: (order) => order.id }),
                userRef: Option.map(payer, (user) => user.id),
                amountMinor: payment.amountMinor,
                currency: payment.currency,
                tier: Option.map(orders.anyOpen, (order) => order.tier),
                status: payment.status,
                outcome: "unmatched",
                paidAt: payment.paidAt,
                receivedAt: now,
                providerPaymentId: Option.fromNullable(payment.providerPaymentId)
              })
            )
          )
          if (!isNew) return { isNew, supportMessageQueued: false }
          const amount = `${payment.amountMinor} ${payment.currency} (minor units)`
          const raised = yield* Option.match(orders.anyOpen, {
            onNone: () =>
              raiseAttention({
                reason: "UnknownOrderPaid",
                detail: `fixed-page payment ${payment.paymentId} of ${amount}: ${Option.isSome(payer) ? "the payer has no order awaiting payment" : "no person here has the payer's phone"}; not trained`,
                ...Option.match(payer, { onNone: () => ({}), onSome: (user) => ({ userId: user.id }) })
              }),
            onSome: (order) =>
              raiseAttention({
                reason: "PaymentMismatch",
                detail: `fixed-page payment ${payment.paymentId} of ${amount}, the order's quote is ${order.amountMinor} ${order.currency}; not trained`,
                userId: order.userId,
                orderId: order.id
              })
          })
          return { isNew, supportMessageQueued: raised.supportMessageQueued }
        })
      )
    )
    if (recorded.supportMessageQueued) yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)
    yield* Effect.logWarning(recorded.isNew ? "Fixed-page payment matches no open order" : "Fixed-page payment already recorded").pipe(
      Effect.annotateLogs({ paymentId: payment.paymentId })
    )
    const outcome: FixedPageOutcome = { _tag: "Unmatched", isNew: recorded.isNew }
    return outcome
  })
