import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { InMemoryDatabase } from "../../adapters/memory/InMemoryDatabase.js"
import { executeCommands } from "../../application/conversation/executeCommands.js"
import { Orders } from "../../application/ports/Orders.js"
import { PaymentProvider, PaymentProviderUnavailable } from "../../application/ports/PaymentProvider.js"
import { UnitOfWork } from "../../application/ports/UnitOfWork.js"
import { Command } from "../../domain/conversation/Command.js"
import { OrderId, PackId } from "../../domain/ids.js"
import { quote } from "../../domain/pricing/Quote.js"
import { pricing } from "../payments/support/fixtures.js"
import { checkoutServices, conversationAwaitingPayment, seedUser } from "./support/orderAwaitingPayment.js"

/** A provider that is down: every call is refused as unavailable. */
const downProvider = Layer.succeed(PaymentProvider, {
  name: "down",
  createCheckout: () => Effect.fail(new PaymentProviderUnavailable({ reason: "provider down" })),
  expireCheckout: () => Effect.fail(new PaymentProviderUnavailable({ reason: "provider down" })),
  refund: () => Effect.fail(new PaymentProviderUnavailable({ reason: "provider down" }))
})

const services = checkoutServices(downProvider)

describe("the order placed when the person agrees to the terms", () => {
  layer(services)((it) => {
    it.effect("is stored with its checkout request even while the payment provider is down", () =>
      Effect.gen(function* () {
        const user = yield* seedUser("972501230001", "user-checkout-1")
        const orderId = OrderId.make("order-checkout-1")
        const quoted = quote(pricing, "Standard", false)
        const conversation = conversationAwaitingPayment(orderId, quoted)
        const decided = yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
          unitOfWork.transaction(
            executeCommands(
              user,
              conversation,
              [Command.CreateOrder({ orderId, packId: PackId.make(260), packTitle: "Corporate", quote: quoted })],
              Option.none()
            )
          )
        ).pipe(Effect.either)
        // Today the provider is called inside the decision, and its failure rolls the decision back.
        expect(decided._tag).toBe("Right")
        const stored = yield* Effect.flatMap(Orders, (orders) => orders.get(orderId))
        expect(Option.map(stored, (order) => [order.status, order.paymentLink])).toEqual(
          Option.some(["AwaitingPayment", Option.none()])
        )
        const events = yield* Effect.flatMap(InMemoryDatabase, (db) =>
          db.run((tables) => [...tables.outbox.values()].map((row) => row.event.eventType))
        )
        expect(events).toEqual(["CheckoutRequestedEvent"])
      })
    )
  })
})
