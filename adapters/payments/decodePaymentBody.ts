import { Data, DateTime, Effect, Either, ParseResult, Schema } from "effect"
import { ReceivedPayment } from "../../application/payments/ReceivedPayment.js"
import { PaymentEvent } from "../../contracts/payments/PaymentEvent.js"
import { StripeCheckoutEvent, StripeCheckoutEventType, StripeEventHeader } from "../../contracts/payments/StripeCheckoutEvent.js"

/** A body that is neither our payment event nor a Stripe event (answered 400). */
export class UnrecognizedPaymentBody extends Schema.TaggedError<UnrecognizedPaymentBody>()("UnrecognizedPaymentBody", {
  reason: Schema.String
}) {}

/**
 * A verified body: a payment, or a well-formed Stripe event that carries none (another event
 * type, a session without an amount). Stripe is answered 2xx for those, or it retries for days.
 */
export type PaymentBody = Data.TaggedEnum<{
  Payment: { readonly payment: ReceivedPayment }
  Ignored: { readonly reason: string }
}>
export const PaymentBody = Data.taggedEnum<PaymentBody>()

const textDecoder = new TextDecoder("utf-8", { fatal: true })
const decodeJson = Schema.decodeUnknownEither(Schema.parseJson())
const decodeOwn = Schema.decodeUnknownEither(PaymentEvent)
const decodeStripe = Schema.decodeUnknownEither(StripeCheckoutEvent)
const isStripeEvent = Schema.is(StripeEventHeader)
const isHandledStripeType = Schema.is(StripeCheckoutEventType)
const decodePayment = Schema.decodeUnknown(ReceivedPayment)

const fromOwn = (event: PaymentEvent) =>
  decodePayment({
    paymentId: event.id,
    orderId: event.order_id,
    amountMinor: event.amount,
    currency: event.currency.toUpperCase(),
    status: event.status,
    paidAt: DateTime.toDate(event.paid_at),
    provider: "signed-event"
  })

const modeName = (live: boolean) => (live ? "live" : "test")

const fromStripe = (event: StripeCheckoutEvent, expected: DecodeOptions) => {
  const session = event.data.object
  // A test-mode payment (a test card) is no money: it must not train on a live bot, nor the reverse.
  const live = event.livemode ?? false
  if (expected.liveMode !== undefined && live !== expected.liveMode) {
    return Effect.succeed(
      PaymentBody.Ignored({ reason: `a ${modeName(live)}-mode Stripe event, and this bot takes ${modeName(expected.liveMode)}-mode payments` })
    )
  }
  if (session.amount_total === null || session.currency === null) {
    return Effect.succeed(PaymentBody.Ignored({ reason: `${event.type} without an amount` }))
  }
  const status =
    event.type === "checkout.session.async_payment_failed"
      ? "failed"
      : session.payment_status === "unpaid"
        ? "unpaid"
        : "paid" // `no_payment_required` (a 100% coupon) is checked against the quote like any payment
  return decodePayment({
    paymentId: event.id,
    orderId: session.client_reference_id ?? "",
    amountMinor: session.amount_total,
    currency: session.currency.toUpperCase(),
    status,
    paidAt: new Date(event.created * 1000),
    provider: "stripe"
  }).pipe(Effect.map((payment) => PaymentBody.Payment({ payment })))
}

const unrecognized = (reason: string) => new UnrecognizedPaymentBody({ reason: reason.slice(0, 500) })

export interface DecodeOptions {
  /** The mode payments must be in (Stripe's `livemode`): live in production; any when unset. */
  readonly liveMode?: boolean
}

/** Decodes a verified webhook body of either kind into one payment. */
export const decodePaymentBody = (body: Uint8Array, options: DecodeOptions = {}): Effect.Effect<PaymentBody, UnrecognizedPaymentBody> =>
  Effect.gen(function* () {
    const text = yield* Effect.try({ try: () => textDecoder.decode(body), catch: () => unrecognized("The body is not UTF-8.") })
    const json = decodeJson(text)
    if (Either.isLeft(json)) return yield* unrecognized("The body is not JSON.")
    const own = decodeOwn(json.right)
    if (Either.isRight(own)) return PaymentBody.Payment({ payment: yield* fromOwn(own.right) })
    const stripe = decodeStripe(json.right)
    if (Either.isRight(stripe)) return yield* fromStripe(stripe.right, options)
    if (isStripeEvent(json.right) && !isHandledStripeType(json.right.type)) {
      return PaymentBody.Ignored({ reason: `Stripe event ${json.right.type}` })
    }
    // Say why it is not the kind it most looks like.
    const closest = isStripeEvent(json.right) ? stripe.left : own.left
    return yield* unrecognized(`Not a payment event: ${ParseResult.TreeFormatter.formatErrorSync(closest)}`)
  }).pipe(
    Effect.catchTag("ParseError", (error) => Effect.fail(unrecognized(ParseResult.TreeFormatter.formatErrorSync(error))))
  )
