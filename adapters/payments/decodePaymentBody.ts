import { Data, DateTime, Effect, Either, ParseResult, Schema } from "effect"
import { ReceivedPayment } from "../../application/payments/ReceivedPayment.js"
import { PaymentEvent } from "../../contracts/payments/PaymentEvent.js"
import {
  StripeEvent,
  stripeEventTypes,
  StripeEventHeader,
  type StripeChargeRefundedEvent,
  type StripeCheckoutEvent,
  type StripeDisputeCreatedEvent
} from "../../contracts/payments/StripeCheckoutEvent.js"

/** A body that is neither our payment event nor a Stripe event (answered 400). */
export class UnrecognizedPaymentBody extends Schema.TaggedError<UnrecognizedPaymentBody>()("UnrecognizedPaymentBody", {
  reason: Schema.String
}) {}

/**
 * A verified body: a payment; a checkout that expired unpaid; money going back (a refund, a
 * dispute); or a well-formed Stripe event that carries nothing for us (another event type, a
 * session without an amount). Stripe is answered 2xx for those, or it retries for days.
 */
export type PaymentBody = Data.TaggedEnum<{
  Payment: { readonly payment: ReceivedPayment }
  CheckoutExpired: { readonly eventId: string; readonly orderId: string; readonly providerReference: string }
  /** `amountRefundedMinor` is the total refunded so far on the charge, not this refund's part. */
  Refunded: {
    readonly eventId: string
    readonly providerPaymentId: string
    readonly amountMinor: number
    readonly amountRefundedMinor: number
    readonly currency: string
    readonly at: Date
  }
  Disputed: {
    readonly eventId: string
    readonly providerPaymentId: string
    readonly disputeId: string
    readonly amountMinor: number
    readonly currency: string
    readonly reason: string
    readonly at: Date
  }
  Ignored: { readonly reason: string }
}>
export const PaymentBody = Data.taggedEnum<PaymentBody>()

const textDecoder = new TextDecoder("utf-8", { fatal: true })
const decodeJson = Schema.decodeUnknownEither(Schema.parseJson())
const decodeOwn = Schema.decodeUnknownEither(PaymentEvent)
const decodeStripe = Schema.decodeUnknownEither(StripeEvent)
const isStripeEvent = Schema.is(StripeEventHeader)
const isHandledStripeType = (type: string) => stripeEventTypes.includes(type)
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

const fromCheckout = (event: StripeCheckoutEvent) => {
  const session = event.data.object
  if (event.type === "checkout.session.expired") {
    return Effect.succeed(
      PaymentBody.CheckoutExpired({ eventId: event.id, orderId: session.client_reference_id ?? "", providerReference: session.id })
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
    provider: "stripe",
    ...(session.payment_intent == null ? {} : { providerPaymentId: session.payment_intent })
  }).pipe(Effect.map((payment) => PaymentBody.Payment({ payment })))
}

/** A charge made outside a payment intent has only its own id, which Stripe's refunds take too. */
const fromRefund = (event: StripeChargeRefundedEvent) => {
  const charge = event.data.object
  return PaymentBody.Refunded({
    eventId: event.id,
    providerPaymentId: charge.payment_intent ?? charge.id,
    amountMinor: charge.amount,
    amountRefundedMinor: charge.amount_refunded,
    currency: charge.currency.toUpperCase(),
    at: new Date(event.created * 1000)
  })
}

const fromDispute = (event: StripeDisputeCreatedEvent) => {
  const dispute = event.data.object
  return PaymentBody.Disputed({
    eventId: event.id,
    providerPaymentId: dispute.payment_intent ?? dispute.charge,
    disputeId: dispute.id,
    amountMinor: dispute.amount,
    currency: dispute.currency.toUpperCase(),
    reason: dispute.reason,
    at: new Date(event.created * 1000)
  })
}

const fromStripe = (event: StripeEvent, expected: DecodeOptions) => {
  // A test-mode payment (a test card) is no money: it must not train on a live bot, nor the reverse.
  const live = event.livemode ?? false
  if (expected.liveMode !== undefined && live !== expected.liveMode) {
    return Effect.succeed(
      PaymentBody.Ignored({ reason: `a ${modeName(live)}-mode Stripe event, and this bot takes ${modeName(expected.liveMode)}-mode payments` })
    )
  }
  switch (event.type) {
    case "charge.refunded":
      return Effect.succeed(fromRefund(event))
    case "charge.dispute.created":
      return Effect.succeed(fromDispute(event))
    default:
      return fromCheckout(event)
  }
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
