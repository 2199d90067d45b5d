import { Option, Schema } from "effect"
import { checkPayment, Quote } from "../../domain/pricing/Quote.js"
import { tierNames } from "../../domain/pricing/Tier.js"
import type { OrderRecord } from "../ports/Orders.js"
import { PaymentOutcome } from "./PaymentOutcome.js"
import type { ReceivedPayment } from "./ReceivedPayment.js"

const decodeQuote = Schema.decodeUnknownOption(Quote)

/** Tier names as stored may differ in case from the domain's ("standard", "Standard"). */
const tierOf = (stored: string): string =>
  tierNames.find((name) => name.toLowerCase() === stored.toLowerCase()) ?? stored

/**
 * The order keeps its quote's amount and currency (all the domain's check compares), not the list
 * price and discount, so those are filled with the amount itself.
 */
const quoteOf = (order: OrderRecord): Option.Option<Quote> =>
  decodeQuote({
    tier: tierOf(order.tier),
    imageCount: order.imageCount,
    listPrice: order.amountMinor,
    discountPercent: 0,
    amount: order.amountMinor,
    currency: order.currency.toUpperCase()
  })

/**
 * What a new payment should do to its order, decided before anything is written. `Accepted` is
 * provisional: whether training starts is up to `Orders.markPaid`, the one guard against a race.
 */
export const assessPayment = (payment: ReceivedPayment, order: Option.Option<OrderRecord>): PaymentOutcome => {
  if (payment.status !== "paid") return PaymentOutcome.NotPaid({ status: payment.status })
  if (Option.isNone(order)) return PaymentOutcome.UnknownOrder({ orderId: payment.orderId })
  const { id, userId, status } = order.value
  const quote = quoteOf(order.value)
  if (status !== "AwaitingPayment") return PaymentOutcome.NotAwaitingPayment({ orderId: id, status })
  // Orders are written from domain quotes; one that no longer reads as a quote needs a person.
  if (Option.isNone(quote)) return PaymentOutcome.Unverifiable({ orderId: id, userId })
  const check = checkPayment(quote.value, { amount: payment.amountMinor, currency: payment.currency })
  switch (check._tag) {
    case "Exact":
      return PaymentOutcome.Accepted({ orderId: id, userId, trainingStarted: true })
    case "Overpaid":
      return PaymentOutcome.Overpaid({ orderId: id, userId, excess: check.excess })
    case "Underpaid":
      return PaymentOutcome.Mismatch({ orderId: id, userId, reason: "underpaid" })
    case "WrongCurrency":
      return PaymentOutcome.Mismatch({ orderId: id, userId, reason: "wrong_currency" })
  }
}
