import { Array as Arr, Effect, Option } from "effect"
import type { UserId } from "../../domain/ids.js"
import type { OrderStatus } from "../../domain/orders/OrderStatus.js"
import type { OrderRecord } from "../ports/Orders.js"
import { Orders } from "../ports/Orders.js"
import { Photos } from "../ports/Photos.js"
import type { StorageUnavailable } from "../ports/StorageUnavailable.js"

export interface TrainedPhotosDeleted {
  readonly users: number
  readonly photos: number
}

const pageSize = 500

/** Statuses whose tune was created from the photos then stored: they have served their purpose. */
const trained: ReadonlyArray<OrderStatus> = ["Training", "Delivering", "Delivered"]
/** Statuses whose tune may still need the photos (to be paid, paid, or waiting for support to retry it). */
const pending: ReadonlyArray<OrderStatus> = ["AwaitingPayment", "Paid", "NeedsAttention"]

const allOrders: Effect.Effect<ReadonlyArray<OrderRecord>, StorageUnavailable, Orders> = Effect.gen(function* () {
  const orders = yield* Orders
  const collected: Array<OrderRecord> = []
  for (let offset = 0; ; offset += pageSize) {
    const page = yield* orders.list({ limit: pageSize, offset })
    collected.push(...page)
    if (page.length < pageSize) return collected
  }
})

/**
 * For each user with a trained order and nothing pending, the moment their last training was
 * paid: photos stored before it went to Astria; a later one belongs to a new collection.
 */
const trainedUsers = (orders: ReadonlyArray<OrderRecord>): ReadonlyMap<UserId, Date> => {
  const byUser = Arr.groupBy(orders, (order) => order.userId)
  const result = new Map<UserId, Date>()
  for (const userOrders of Object.values(byUser)) {
    if (userOrders.some((order) => pending.includes(order.status))) continue
    const trainedAt = userOrders
      .filter((order) => trained.includes(order.status))
      .map((order) => Option.getOrElse(order.paidAt, () => order.createdAt).getTime())
    if (trainedAt.length > 0) result.set(userOrders[0].userId, new Date(Math.max(...trainedAt)))
  }
  return result
}

/**
 * Deletes the photos of users whose training is done. The ports have no "users with a trained
 * order" query nor a per-user delete by date, so this pages through Orders.list and deletes a
 * user's photos (Photos.deleteForUser) only when none was stored after their last trained order
 * was paid: a person collecting photos for a new model keeps them.
 */
export const deletePhotosOfTrainedUsers: Effect.Effect<TrainedPhotosDeleted, StorageUnavailable, Orders | Photos> =
  Effect.gen(function* () {
    const photos = yield* Photos
    const users = trainedUsers(yield* allOrders)
    let usersCleaned = 0
    let photosDeleted = 0
    for (const [userId, lastTrainedAt] of users) {
      if ((yield* photos.countForUser(userId)) === 0) continue
      const stored = yield* photos.listForUser(userId)
      if (stored.some((photo) => photo.createdAt.getTime() > lastTrainedAt.getTime())) continue
      const deleted = yield* photos.deleteForUser(userId)
      if (deleted > 0) {
        usersCleaned += 1
        photosDeleted += deleted
      }
    }
    return { users: usersCleaned, photos: photosDeleted }
  })
