import { Command } from "@effect/cli"
import { Console, Effect, Schema } from "effect"
import { PaymentRecord, PaymentRecords } from "../../../application/ports/PaymentRecords.js"
import { formatMoney, formatTime } from "../output/format.js"
import { printJson, renderTable } from "../output/table.js"
import { group, json } from "./options.js"

const encodePayments = Schema.encode(Schema.Array(PaymentRecord))

const paymentsReview = Command.make("review", { json }, (options) =>
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

export const payments = group("payments", "Payments", ["review"]).pipe(Command.withSubcommands([paymentsReview]))
