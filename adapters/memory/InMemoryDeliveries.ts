import { Effect, Layer } from "effect"
import { Deliveries } from "../../application/ports/Deliveries.js"
import { byTime, InMemoryDatabase, sorted } from "./InMemoryDatabase.js"

const key = (orderId: string, promptId: number) => JSON.stringify([orderId, promptId])

export const InMemoryDeliveries = Layer.effect(
  Deliveries,
  Effect.map(InMemoryDatabase, (db) =>
    Deliveries.of({
      // The order's user is copied onto the row, so erasing a person finds it after the order is gone.
      claimPrompt: (orderId, promptId, imageUrls, now) =>
        db.run((t) => {
          if (t.deliveries.has(key(orderId, promptId))) return false
          t.deliveries.set(key(orderId, promptId), {
            orderId,
            promptId,
            userId: t.orders.get(orderId)?.userId,
            imageUrls: [...imageUrls],
            claimedAt: now
          })
          return true
        }),
      imagesForOrder: (orderId) =>
        db.run((t) =>
          sorted(
            [...t.deliveries.values()].filter((d) => d.orderId === orderId),
            (a, b) => byTime(a.claimedAt, b.claimedAt) || a.promptId - b.promptId
          ).flatMap((d) => d.imageUrls)
        ),
      deleteForUser: (userId) =>
        db.run((t) => {
          const orders = new Set<string>([...t.orders.values()].filter((o) => o.userId === userId).map((o) => o.id))
          const theirs = [...t.deliveries.values()].filter((d) => d.userId === userId || orders.has(d.orderId))
          theirs.forEach((d) => t.deliveries.delete(key(d.orderId, d.promptId)))
          return theirs.length
        })
    })
  )
)
