import { Command } from "./Command.js"
import { withoutPhotos } from "./Conversation.js"
import type { Conversation } from "./Conversation.js"
import { decision } from "./Decision.js"
import type { Decision } from "./Decision.js"

/** A paid order still trains from the stored photos until Astria has delivered its images. */
export const photosInUse = (conversation: Conversation): boolean =>
  conversation.orders.some(
    (order) => order.source._tag === "Photos" && (order.status === "Paid" || order.status === "Training")
  )

/**
 * The stored photos are deleted and the collection starts over. An unpaid order that would have
 * trained from them can no longer be fulfilled, so it is cancelled (a late payment goes to support).
 * Callers check `photosInUse` first.
 */
export const discardPhotos = (conversation: Conversation): Decision =>
  decision(
    {
      ...withoutPhotos(conversation),
      orders: conversation.orders.map((order) =>
        order.source._tag === "Photos" && order.status === "AwaitingPayment" ? { ...order, status: "Cancelled" } : order
      )
    },
    [Command.ResetPhotos()]
  )
