import { Clock, Effect, Option } from "effect"
import { OrderId } from "../../domain/ids.js"
import { Orders } from "../ports/Orders.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { Users } from "../ports/Users.js"

/**
 * The provider says a checkout stopped taking payment (Stripe's `checkout.session.expired`, at its
 * expiry or from the dashboard): when it is still the order's checkout, the order keeps it as
 * expired, so the person's next "pay" makes a new one instead of sending a dead link. An older
 * checkout, replaced by a renewal, changes nothing. True when the order's checkout was expired.
 */
export const checkoutExpired = (orderId: string, providerReference: string) =>
  Effect.gen(function* () {
    const orders = yield* Orders
    const now = new Date(yield* Clock.currentTimeMillis)
    return yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(
        Effect.gen(function* () {
          const id = OrderId.make(orderId)
          const unlocked = yield* orders.get(id)
          if (Option.isNone(unlocked)) return false
          // The person's lock, as the checkout worker takes it: a renewal being stored is not undone.
          yield* Effect.flatMap(Users, (users) => users.lock(unlocked.value.userId))
          const order = yield* orders.get(id)
          if (Option.isNone(order) || !Option.contains(order.value.checkoutReference, providerReference)) return false
          const url = order.value.paymentLink
          if (Option.isNone(url)) return false
          return yield* orders.attachCheckout(id, { url: url.value, providerReference, expiresAt: Option.some(now) })
        })
      )
    )
  })
