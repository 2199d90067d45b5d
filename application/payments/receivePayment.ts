import { Clock, Effect, Option } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import { OrderId } from "../../domain/ids.js"
import { eventRecord } from "../events/eventRecord.js"
import { OutboundWakeup, OutboxWakeup } from "../events/Wakeup.js"
import { Orders } from "../ports/Orders.js"
import { Outbox } from "../ports/Outbox.js"
import { PaymentRecord, PaymentRecords } from "../ports/PaymentRecords.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { Users } from "../ports/Users.js"
import { assessPayment } from "./assessPayment.js"
import { queueMismatchNotice } from "./mismatchNotice.js"
import { PaymentOutcome, recordedOutcome } from "./PaymentOutcome.js"
import type { ReceivedPayment } from "./ReceivedPayment.js"

interface Applied {
  readonly outcome: PaymentOutcome
  readonly eventWritten: boolean
  readonly messageQueued: boolean
}

const nothingElse = (outcome: PaymentOutcome): Applied => ({ outcome, eventWritten: false, messageQueued: false })

/** A person must look at these; the payment record says the same for `needingReview`. */
const tellOperator = (payment: ReceivedPayment, outcome: PaymentOutcome): Effect.Effect<void> =>
  Effect.logWarning("Payment needs review").pipe(
    Effect.annotateLogs({
      paymentId: payment.paymentId,
      orderId: payment.orderId,
      provider: payment.provider,
      outcome: recordedOutcome(outcome),
      paid: `${payment.amountMinor} ${payment.currency} (minor units)`
    })
  )

const needsReview = (outcome: PaymentOutcome): boolean =>
  outcome._tag !== "Duplicate" && outcome._tag !== "Accepted" && outcome._tag !== "NotPaid"

/**
 * Takes in one verified payment, in one transaction: the payment is recorded once (a repeated
 * id changes nothing), then checked against its order's quote. Exact or more: the order is paid
 * and a `PaymentReceivedEvent` starts training. Less, or another currency: the order is held
 * and the user is told. An unknown order, or one not awaiting payment (a second charge of a paid
 * order, even one arriving at the same moment), is kept for review.
 */
export const receivePayment = (payment: ReceivedPayment) =>
  Effect.gen(function* () {
    const unitOfWork = yield* UnitOfWork
    const orders = yield* Orders
    const records = yield* PaymentRecords
    const outbox = yield* Outbox
    const users = yield* Users

    const applied = yield* unitOfWork.transaction(
      Effect.gen(function* () {
        const orderId = OrderId.make(payment.orderId)
        // The person's lock, as their conversation takes it, before the order is read: two payments
        // of one order at once are then assessed one after the other, and the second sees it paid.
        const unlocked = yield* orders.get(orderId)
        if (Option.isSome(unlocked)) yield* users.lock(unlocked.value.userId)
        const order = Option.isSome(unlocked) ? yield* orders.get(orderId) : unlocked
        const assessed = assessPayment(payment, order)
        const isNew = yield* records.recordIfNew(
          new PaymentRecord({
            id: payment.paymentId,
            provider: payment.provider,
            orderId: payment.orderId,
            userRef: Option.map(order, (found) => found.userId),
            amountMinor: payment.amountMinor,
            currency: payment.currency,
            tier: Option.map(order, (found) => found.tier),
            status: payment.status,
            outcome: recordedOutcome(assessed),
            paidAt: payment.paidAt,
            receivedAt: new Date(yield* Clock.currentTimeMillis),
            providerPaymentId: Option.fromNullable(payment.providerPaymentId)
          })
        )
        if (!isNew) return nothingElse(PaymentOutcome.Duplicate())
        switch (assessed._tag) {
          case "Accepted":
          case "Overpaid": {
            const started = yield* orders.markPaid(assessed.orderId, payment.paidAt)
            if (started) {
              const event = yield* eventRecord(
                BotEvents.PaymentReceived,
                assessed.userId,
                {
                  orderId: assessed.orderId,
                  userId: assessed.userId,
                  paymentId: payment.paymentId,
                  amountMinor: payment.amountMinor,
                  currency: payment.currency
                },
                "payment"
              )
              yield* outbox.add([event])
            }
            const outcome =
              assessed._tag === "Accepted"
                ? PaymentOutcome.Accepted({ orderId: assessed.orderId, userId: assessed.userId, trainingStarted: started })
                : assessed
            return { outcome, eventWritten: started, messageQueued: false }
          }
          case "Mismatch": {
            yield* orders.moveTo(assessed.orderId, "NeedsAttention")
            const messageQueued = yield* queueMismatchNotice(assessed.userId)
            return { outcome: assessed, eventWritten: false, messageQueued }
          }
          default:
            return nothingElse(assessed)
        }
      })
    )

    if (applied.eventWritten) yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.notify)
    if (applied.messageQueued) yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)
    if (needsReview(applied.outcome)) yield* tellOperator(payment, applied.outcome)
    yield* Effect.logInfo("Payment received").pipe(
      Effect.annotateLogs({ paymentId: payment.paymentId, outcome: recordedOutcome(applied.outcome) })
    )
    return applied.outcome
  })
