import { Array as Arr, DateTime, Option } from "effect"
import { phrasesFor } from "../catalogue/Catalogue.js"
import { ratingMessage, textMessage } from "../catalogue/messages.js"
import type { OrderId, TuneId } from "../ids.js"
import { OutgoingMessage } from "../messages/OutgoingMessage.js"
import type { MediaRef } from "../messages/OutgoingMessage.js"
import type { MinorUnits } from "../pricing/Money.js"
import { checkPayment } from "../pricing/Quote.js"
import { Command } from "./Command.js"
import type { OrderStatus } from "../orders/OrderStatus.js"
import type { Conversation, Order } from "./Conversation.js"
import type { DecisionContext } from "./DecisionContext.js"
import type { OrderHoldCause } from "./Input.js"
import { decision, send } from "./Decision.js"
import type { Decision } from "./Decision.js"
import { discardPhotos, photosInUse } from "./photoCollection.js"

/**
 * Answers to what our services report about an order. Each moves the order one step forward
 * from the statuses it expects and is ignored otherwise, so a report delivered twice (a
 * duplicated webhook, a callback and the reconciler) takes effect once.
 */

const findOrder = (conversation: Conversation, orderId: OrderId): Option.Option<Order> =>
  Arr.findFirst(conversation.orders, (order) => order.id === orderId)

const updateOrder = (conversation: Conversation, updated: Order): Conversation => ({
  ...conversation,
  orders: conversation.orders.map((order) => (order.id === updated.id ? updated : order))
})

/** Runs `next` for a known order in one of `expected` statuses; anything else changes nothing. */
const forOrderIn = (
  conversation: Conversation,
  orderId: OrderId,
  expected: ReadonlyArray<OrderStatus>,
  next: (order: Order) => Decision
): Decision =>
  Option.match(findOrder(conversation, orderId), {
    onNone: () => decision(conversation),
    onSome: (order) => (expected.includes(order.status) ? next(order) : decision(conversation))
  })

interface Payment {
  readonly amount: MinorUnits
  readonly currency: string
}

/** A paid order starts its training; an overpayment also asks support to refund the difference. */
const settle = (conversation: Conversation, order: Order, paid: Payment): Decision => {
  const p = phrasesFor(conversation.language)
  const check = checkPayment(order.quote, paid)
  const detail = `order ${order.id}: paid ${paid.amount} ${paid.currency}, quoted ${order.quote.amount} ${order.quote.currency} (minor units)`
  if (check._tag === "Underpaid" || check._tag === "WrongCurrency") {
    return decision(updateOrder(conversation, { ...order, status: "NeedsAttention" }), [
      ...send(textMessage(p.paymentMismatch)),
      Command.NotifySupport({ reason: "PaymentMismatch", detail, orderId: order.id })
    ])
  }
  return decision(updateOrder(conversation, { ...order, status: "Paid" }), [
    ...send(textMessage(p.paymentReceived)),
    Command.CreateTune({
      orderId: order.id,
      packId: order.packId,
      personClass: order.personClass,
      characteristics: order.characteristics,
      source: order.source
    }),
    ...(check._tag === "Overpaid" ? [Command.NotifySupport({ reason: "Overpaid", detail, orderId: order.id })] : [])
  ])
}

export const paymentConfirmed = (conversation: Conversation, orderId: OrderId, paid: Payment): Decision =>
  Option.match(findOrder(conversation, orderId), {
    // Money for an order we do not know (erased meanwhile, or forged): a person must look.
    onNone: () =>
      decision(conversation, [
        Command.NotifySupport({
          reason: "UnknownOrderPaid",
          detail: `order ${orderId}: paid ${paid.amount} ${paid.currency} (minor units)`,
          orderId
        })
      ]),
    onSome: (order) => {
      switch (order.status) {
        case "AwaitingPayment":
          return settle(conversation, order, paid)
        case "Cancelled":
          return decision(updateOrder(conversation, { ...order, status: "NeedsAttention" }), [
            ...send(textMessage(phrasesFor(conversation.language).cancelledOrderPaid)),
            Command.NotifySupport({
              reason: "CancelledOrderPaid",
              detail: `order ${orderId}: paid ${paid.amount} ${paid.currency} (minor units)`,
              orderId
            })
          ])
        default:
          // Already paid: a duplicated payment report, which must not start a second training.
          return decision(conversation)
      }
    }
  })

export const paymentFailed = (conversation: Conversation, orderId: OrderId): Decision =>
  forOrderIn(conversation, orderId, ["AwaitingPayment"], () =>
    decision(conversation, send(textMessage(phrasesFor(conversation.language).paymentRefused)))
  )

const millisPerMinute = 60_000

/** Whole minutes until the ETA, at least one, so the person is never told "0 minutes". */
const minutesUntil = (context: DecisionContext, eta: DateTime.Utc): number =>
  Math.max(1, Math.ceil(DateTime.distance(context.snapshot.now, eta) / millisPerMinute))

export const tuneCreated = (
  context: DecisionContext,
  conversation: Conversation,
  orderId: OrderId,
  tuneId: TuneId,
  eta: DateTime.Utc
): Decision =>
  // NeedsAttention too: support retried an order that was on hold (`orders retry`).
  forOrderIn(conversation, orderId, ["Paid", "NeedsAttention"], (order) =>
    decision(
      updateOrder(conversation, { ...order, status: "Training", tuneId }),
      send(textMessage(phrasesFor(conversation.language).trainingEta(minutesUntil(context, eta))))
    )
  )

export const trainingFailed = (conversation: Conversation, orderId: OrderId): Decision =>
  forOrderIn(conversation, orderId, ["Paid", "Training"], (order) =>
    decision(updateOrder(conversation, { ...order, status: "NeedsAttention" }), [
      ...send(textMessage(phrasesFor(conversation.language).trainingFailed)),
      Command.NotifySupport({ reason: "TrainingFailed", detail: `order ${orderId}`, orderId })
    ])
  )

/**
 * Images of an order, each sent once (the caller passes only images not sent before). While some
 * of its prompts are still rendering (`partial`) they go out as they come and the order is
 * `Delivering`; the images that complete it end it: `Delivered`, then the rating list, once.
 */
export const imagesReady = (
  conversation: Conversation,
  orderId: OrderId,
  images: ReadonlyArray<MediaRef>,
  video: MediaRef | undefined,
  partial: boolean
): Decision =>
  // NeedsAttention too: the reconciler may find the images after Astria reported a failure.
  forOrderIn(conversation, orderId, ["Paid", "Training", "Delivering", "NeedsAttention"], (order) => {
    const language = conversation.language
    const media = [
      ...images.map((image) => OutgoingMessage.Image({ media: image })),
      ...(video === undefined ? [] : [OutgoingMessage.Video({ media: video })])
    ]
    const firstImages = order.status !== "Delivering"
    if (partial) {
      if (media.length === 0) return decision(conversation)
      return decision(
        updateOrder(conversation, { ...order, status: "Delivering" }),
        send(...(firstImages ? [textMessage(phrasesFor(language).imagesArriving)] : []), ...media)
      )
    }
    const delivered = updateOrder(conversation, { ...order, status: "Delivered" })
    // The photos are deleted once no paid order trains from them any more; a new model needs new ones.
    const afterPhotos =
      order.source._tag === "Photos" && !photosInUse(delivered) ? discardPhotos(delivered) : decision(delivered)
    return decision(
      { ...afterPhotos.conversation, stage: conversation.stage === "WritingFeedback" ? "WritingFeedback" : "TuneReady" },
      [
        ...afterPhotos.commands,
        ...send(...(firstImages ? [textMessage(phrasesFor(language).imagesReady)] : []), ...media, ratingMessage(language))
      ]
    )
  })

const holdPhrase = (conversation: Conversation, cause: OrderHoldCause): string => {
  const phrases = phrasesFor(conversation.language).orderOnHold
  switch (cause) {
    case "ServicePaused":
      return phrases.servicePaused
    case "Refused":
      return phrases.refused
    case "SavedModelGone":
      return phrases.savedModelGone
  }
}

/**
 * Training could not start and a person on our side must act: the order needs attention and the
 * person hears what happens next. Support was told by the training service (once per outage).
 */
export const orderOnHold = (conversation: Conversation, orderId: OrderId, cause: OrderHoldCause): Decision =>
  forOrderIn(conversation, orderId, ["Paid", "Training"], (order) =>
    decision(updateOrder(conversation, { ...order, status: "NeedsAttention" }), send(textMessage(holdPhrase(conversation, cause))))
  )

/**
 * The sender gave up on an image or video we generated for the person: they hear it in their
 * language, and support is told which message it was. The same in every stage, and nothing
 * else changes: the order stays delivered, the rest of its images having gone out.
 */
export const mediaUndeliverable = (conversation: Conversation, kind: "Image" | "Video", reference: string): Decision =>
  decision(conversation, [
    ...send(textMessage(phrasesFor(conversation.language).mediaUndeliverable(kind))),
    Command.NotifySupport({ reason: "MediaUndeliverable", detail: `${kind.toLowerCase()} not delivered: ${reference}` })
  ])
