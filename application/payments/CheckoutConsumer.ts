import { Clock, Duration, Effect, Option, Schema } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import type { CheckoutRequestedEvent } from "../../contracts/events/BotEvents.js"
import { phrasesFor } from "../../domain/catalogue/Catalogue.js"
import { Language } from "../../domain/catalogue/Language.js"
import { paymentLinkMessage, textMessage } from "../../domain/catalogue/messages.js"
import { OrderId, UserId } from "../../domain/ids.js"
import type { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { Quote } from "../../domain/pricing/Quote.js"
import { raiseAttention } from "../attention/raiseAttention.js"
import { decodeEvent } from "../events/decodeEvent.js"
import { OutboundWakeup } from "../events/Wakeup.js"
import { PermanentFailure, RetryableFailure, type BrokerMessage, type Subscription } from "../ports/EventBroker.js"
import { Ids } from "../ports/Ids.js"
import { Inbox } from "../ports/Inbox.js"
import { Orders, type OrderCheckout, type OrderRecord } from "../ports/Orders.js"
import { OutboundMessages } from "../ports/OutboundMessages.js"
import { PaymentProvider, type PaymentRequestRefused } from "../ports/PaymentProvider.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { Users } from "../ports/Users.js"

export const checkoutSubscription: Subscription = {
  name: "checkout",
  eventTypes: [BotEvents.CheckoutRequested.eventType]
}

/** A checkout closer than this to its expiry is renewed rather than sent again: paying takes a while. */
const renewalMargin = Duration.minutes(30)

/** The order's link when it can still be paid: a page that never expires, or one not about to. */
const openCheckout = (order: OrderRecord, now: number): Option.Option<string> =>
  Option.filter(order.paymentLink, () =>
    Option.match(order.checkoutExpiresAt, {
      onNone: () => true,
      onSome: (expiresAt) => expiresAt.getTime() - now > Duration.toMillis(renewalMargin)
    })
  )

interface Request {
  readonly eventId: string
  readonly userId: UserId
  readonly orderId: OrderId
  readonly packTitle: string
  readonly language: Language
  readonly quote: Quote
}

const readRequest = (eventId: string, data: CheckoutRequestedEvent) =>
  Effect.map(
    Schema.decodeUnknown(Schema.Struct({ language: Language, quote: Quote }))(data),
    ({ language, quote }): Request => ({
      eventId,
      userId: UserId.make(data.userId),
      orderId: OrderId.make(data.orderId),
      packTitle: data.packTitle,
      language,
      quote
    })
  ).pipe(Effect.mapError((error) => new PermanentFailure({ reason: `undecodable checkout request: ${error.message}` })))

/**
 * Queues one message to the person and marks the request handled, in one transaction holding the
 * person's lock; `attach` runs first and may call it off (false). False when nothing was queued.
 */
const tellPerson = <E, R>(request: Request, message: OutgoingMessage, attach: Effect.Effect<boolean, E, R>) =>
  Effect.gen(function* () {
    const now = new Date(yield* Clock.currentTimeMillis)
    const users = yield* Users
    return yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(
        Effect.gen(function* () {
          if (!(yield* Effect.flatMap(Inbox, (inbox) => inbox.markHandled("checkout", request.eventId, now)))) return false
          yield* users.lock(request.userId)
          const user = yield* users.get(request.userId)
          if (Option.isNone(user) || !(yield* attach)) return false
          const id = yield* Effect.flatMap(Ids, (ids) => ids.uuid)
          yield* Effect.flatMap(OutboundMessages, (outbound) =>
            outbound.enqueue([
              { id, userId: user.value.id, recipient: { waId: user.value.waId, bsuid: user.value.bsuid }, message, createdAt: now }
            ])
          )
          return true
        })
      )
    )
  })

/**
 * The provider refused the checkout as it stands (a rejected key, an amount it will not take): the
 * person hears that we are on it, and support gets an attention item. The order still awaits
 * payment, so once the cause is fixed the person's "pay" makes the checkout.
 */
const checkoutRefused = (request: Request, error: PaymentRequestRefused) =>
  Effect.gen(function* () {
    const detail = `the payment provider refused the checkout: ${error.reason}${error.code === undefined ? "" : ` (${error.code})`}`
    yield* tellPerson(
      request,
      textMessage(phrasesFor(request.language).checkoutFailed),
      Effect.as(raiseAttention({ reason: "CheckoutFailed", detail, userId: request.userId, orderId: request.orderId }), true)
    )
    yield* Effect.logWarning("Checkout refused", { order: request.orderId, reason: error.reason })
    // The person's apology, support's notice, or both were queued.
    yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)
  })

/**
 * Makes the order's checkout and sends its link: outside the person's conversation, so a slow or
 * failing provider holds nobody's lock. An open checkout is sent again rather than replaced; a new
 * one is at the order's own amount, with the request's event id in its idempotency key (one
 * checkout however often the request is delivered). The provider unreachable: the broker delivers
 * again with its backoff.
 */
const createAndSend = (request: Request) =>
  Effect.gen(function* () {
    const orders = yield* Orders
    const now = yield* Clock.currentTimeMillis
    const found = yield* orders.get(request.orderId)
    if (Option.isNone(found) || found.value.status !== "AwaitingPayment") {
      // Paid, cancelled or erased meanwhile: nothing to make, and a redelivery finds the same.
      return yield* Effect.logInfo("Checkout not needed", { order: request.orderId })
    }
    const order = found.value
    const open = openCheckout(order, now)
    if (Option.isSome(open)) {
      const sent = yield* tellPerson(
        request,
        paymentLinkMessage(request.language, request.packTitle, request.quote, open.value),
        Effect.map(orders.get(request.orderId), Option.exists((current) => current.status === "AwaitingPayment"))
      )
      if (sent) yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)
      return
    }
    const provider = yield* PaymentProvider
    const made = yield* provider
      .createCheckout({
        orderId: order.id,
        amountMinor: order.amountMinor,
        currency: order.currency,
        tier: order.tier,
        description: `${request.packTitle} (${order.tier})`,
        idempotencyKey: `checkout:${order.id}:${request.eventId}`
      })
      .pipe(Effect.either)
    if (made._tag === "Left") {
      if (made.left._tag === "PaymentProviderUnavailable") {
        return yield* new RetryableFailure({ reason: `payment provider: ${made.left.reason}` })
      }
      return yield* checkoutRefused(request, made.left)
    }
    const checkout: OrderCheckout = made.right
    const sent = yield* tellPerson(
      request,
      paymentLinkMessage(request.language, request.packTitle, request.quote, checkout.url),
      orders.attachCheckout(order.id, checkout)
    )
    if (sent) {
      yield* Effect.logInfo("Checkout created", { order: order.id, checkout: checkout.providerReference })
      yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)
      return
    }
    // Paid or cancelled while the checkout was made: it must not take a second payment.
    yield* provider.expireCheckout(checkout.providerReference).pipe(
      Effect.catchAll((error) => Effect.logWarning("A checkout no longer needed stays open", { order: order.id, error: error._tag }))
    )
  })

/** The checkout worker's handler: one `CheckoutRequestedEvent` at a time per person. */
export const handleCheckoutRequested = (message: BrokerMessage) =>
  Effect.gen(function* () {
    const { id, data } = yield* decodeEvent(BotEvents.CheckoutRequested, message)
    return yield* createAndSend(yield* readRequest(id, data))
  }).pipe(
    Effect.catchTags({
      StorageUnavailable: (error) => Effect.fail(new RetryableFailure({ reason: `storage: ${error.reason}` }))
    })
  )
