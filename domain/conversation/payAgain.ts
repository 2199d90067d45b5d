import { Array as Arr, Option } from "effect"
import { Command } from "./Command.js"
import type { Conversation } from "./Conversation.js"
import { decision, type Decision } from "./Decision.js"

/**
 * The person asks to pay: the newest order awaiting payment has its checkout sent again, or
 * renewed at the same quote when it can no longer be paid (the application decides which, as
 * only the provider's record knows). None without such an order.
 */
export const payAgain = (conversation: Conversation): Option.Option<Decision> =>
  Option.map(
    Arr.findLast(conversation.orders, (order) => order.status === "AwaitingPayment"),
    (order) =>
      decision(conversation, [Command.RequestCheckout({ orderId: order.id, packTitle: order.packTitle, quote: order.quote })])
  )
