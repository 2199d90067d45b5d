import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { refundOrder } from "../../application/payments/refundOrder.js"
import { Orders } from "../../application/ports/Orders.js"
import { PaymentProvider, type RefundRequest } from "../../application/ports/PaymentProvider.js"
import { PaymentRecord, PaymentRecords } from "../../application/ports/PaymentRecords.js"
import type { OrderStatus } from "../../domain/orders/OrderStatus.js"
import { OrderId, UserId } from "../../domain/ids.js"
import { orderAwaitingPayment } from "../payments/support/fixtures.js"

/** A provider whose refund id names the money refunded. */
const provider = Layer.succeed(PaymentProvider, {
  name: "stripe",
  createCheckout: () => Effect.dieMessage("not used"),
  expireCheckout: () => Effect.void,
  refund: (request: RefundRequest) => Effect.succeed(`re_${request.providerPaymentId}`)
})

const services = Layer.merge(InMemoryStorage, provider)

const seed = (status: OrderStatus, payments: ReadonlyArray<{ readonly id: string; readonly outcome: string }>) =>
  Effect.gen(function* () {
    const id = OrderId.make(`order-${globalThis.crypto.randomUUID()}`)
    yield* Effect.flatMap(Orders, (orders) =>
      orders.create(
        orderAwaitingPayment(UserId.make("user-refund"), {
          id,
          tier: "Lite",
          amountMinor: 990,
          imageCount: 20,
          status,
          paymentLink: Option.some("https://pay.example/cs_1"),
          checkoutReference: Option.some("cs_1")
        })
      )
    )
    for (const [index, payment] of payments.entries()) {
      yield* Effect.flatMap(PaymentRecords, (records) =>
        records.recordIfNew(
          new PaymentRecord({
            id: payment.id,
            provider: "stripe",
            orderId: id,
            userRef: Option.some("user-refund"),
            amountMinor: 990,
            currency: "USD",
            tier: Option.some("Lite"),
            status: "paid",
            outcome: payment.outcome,
            paidAt: new Date(index),
            receivedAt: new Date(index),
            providerPaymentId: Option.some(`pi_${payment.id}`)
          })
        )
      )
    }
    return id
  })

const refusal = <R>(effect: Effect.Effect<unknown, { readonly _tag: string }, R>) =>
  Effect.map(Effect.flip(effect), (error) => (error._tag === "RefundRefused" && "reason" in error ? String(error.reason) : error._tag))

const ask = (orderId: OrderId, paymentId?: string, amountMinor?: number) =>
  refundOrder({ orderId, paymentId: Option.fromNullable(paymentId), amountMinor: Option.fromNullable(amountMinor), reason: "duplicate" })

describe("refunding from the command line", () => {
  it.effect("refuses the payment that paid an order still on its way, but refunds a second charge of it when named", () =>
    Effect.gen(function* () {
      const orderId = yield* seed("Training", [
        { id: "first", outcome: "accepted" },
        { id: "second", outcome: "not_awaiting_payment" }
      ])
      expect(yield* refusal(ask(orderId))).toMatch(/choose the payment with --payment: first \(accepted\), second \(not_awaiting_payment\)/)
      expect(yield* refusal(ask(orderId, "first"))).toMatch(/is Training, not NeedsAttention/)
      const refunded = yield* ask(orderId, "pi_second")
      expect([refunded.refundId, refunded.amountMinor, refunded.payment.id]).toEqual(["re_pi_second", 990, "second"])
      const outcomes = (yield* Effect.flatMap(PaymentRecords, (records) => records.forOrder(orderId))).map((p) => p.outcome)
      expect(outcomes).toContain("refund_requested")
      expect(yield* refusal(ask(orderId, "second"))).toMatch(/refunded already/)
    }).pipe(Effect.provide(services)))

  it.effect("refunds part of the payment of an order that needs attention, then no more than the rest", () =>
    Effect.gen(function* () {
      const orderId = yield* seed("NeedsAttention", [{ id: "under", outcome: "underpaid" }])
      expect((yield* ask(orderId, undefined, 400)).amountMinor).toBe(400)
      expect(yield* refusal(ask(orderId, undefined, 600))).toMatch(/at most 590/)
      expect((yield* ask(orderId)).amountMinor).toBe(590)
      expect(yield* refusal(ask(OrderId.make("order-missing")))).toMatch(/no order/)
    }).pipe(Effect.provide(services)))
})
