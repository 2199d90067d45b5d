import { Context } from "effect"
import type { Effect } from "effect"
import type { OrderId, UserId } from "../../domain/ids.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/** Which generated images were handed to the user, so each reaches them once however often Astria calls back. */
export class Deliveries extends Context.Tag("whatsapp-astria-bot/Deliveries")<
  Deliveries,
  {
    /** True the first time this prompt of this order is claimed for delivery. */
    readonly claimPrompt: (
      orderId: OrderId,
      promptId: number,
      imageUrls: ReadonlyArray<string>,
      now: Date
    ) => Effect.Effect<boolean, StorageUnavailable>
    readonly imagesForOrder: (orderId: OrderId) => Effect.Effect<ReadonlyArray<string>, StorageUnavailable>
    readonly deleteForUser: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
