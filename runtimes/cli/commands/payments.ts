import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Schema } from "effect"
import { refundOrder } from "../../../application/payments/refundOrder.js"
import { PaymentRecord, PaymentRecords } from "../../../application/ports/PaymentRecords.js"
import { OrderId } from "../../../domain/ids.js"
import { ConfirmationRequired } from "../CliErrors.js"
import { formatMoney, formatTime } from "../output/format.js"
import { printJson, renderTable } from "../output/table.js"
import { group, json, yes } from "./options.js"

const encodePayments = Schema.encode(Schema.Array(PaymentRecord))

export const paymentsReview = Command.make("review", { json }, (options) =>
  Effect.gen(function* () {
    const payments = yield* Effect.flatMap(PaymentRecords, (port) => port.needingReview)
    if (options.json) return yield* printJson(yield* encodePayments(payments).pipe(Effect.orDie))
    yield* Console.log(
      renderTable(
        payments,
        [
          { header: "RECEIVED", value: (payment) => formatTime(payment.receivedAt) },
          { header: "PROVIDER", value: (payment) => payment.provider },
          { header: "PAYMENT", value: (payment) => payment.id },
          { header: "ORDER", value: (payment) => payment.orderId },
          { header: "OUTCOME", value: (payment) => payment.outcome },
          { header: "AMOUNT", value: (payment) => formatMoney(payment.amountMinor, payment.currency) },
          { header: "STATUS", value: (payment) => payment.status }
        ],
        "No payments need review."
      )
    )
  })
).pipe(
  Command.withDescription(
    "Payments a person must look at: not matching their order (underpaid, overpaid, wrong currency, unknown order), a second charge of a paid order (not_awaiting_payment), refunds and disputes"
  )
)

const orderId = Args.text({ name: "order-id" }).pipe(
  Args.withSchema(OrderId),
  Args.withDescription("The order's id, as `orders attention` or `payments review` shows it")
)

const payment = Options.text("payment").pipe(
  Options.optional,
  Options.withDescription("The payment to refund (its id or the provider's), when the order has more than one")
)

const amount = Options.integer("amount").pipe(
  Options.withSchema(Schema.Int.pipe(Schema.positive({ message: () => "--amount must be above 0" }))),
  Options.optional,
  Options.withDescription("Minor units (cents, agorot) to refund; the whole payment when absent")
)

const reason = Options.text("reason").pipe(
  Options.withDefault("requested_by_customer"),
  Options.withDescription("Why, for the provider's records and ours")
)

export const paymentsRefund = Command.make("refund", { orderId, payment, amount, reason, yes }, (options) =>
  Effect.gen(function* () {
    if (!options.yes) return yield* new ConfirmationRequired({ action: `refund order ${options.orderId} through the payment provider` })
    const refunded = yield* refundOrder({
      orderId: options.orderId,
      paymentId: options.payment,
      amountMinor: options.amount,
      reason: options.reason
    })
    yield* Console.log(
      `Refund ${refunded.refundId} of ${formatMoney(refunded.amountMinor, refunded.payment.currency)} requested for payment ` +
        `${refunded.payment.id} of order ${options.orderId}; \`payments review\` lists it, and the provider's report moves the order.`
    )
  })
).pipe(
  Command.withDescription(
    "Refund an order that needs attention, or a payment of it under review (a second charge), through the payment provider (Stripe; SUMIT and fixed links refund in their dashboards)"
  )
)

export const payments = group("payments", "Payments", ["review", "refund"])
