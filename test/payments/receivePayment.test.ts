import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Option, Schema } from "effect"
import { receivePayment } from "../../application/payments/receivePayment.js"
import { ReceivedPayment } from "../../application/payments/ReceivedPayment.js"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import { EventEnvelopeJson } from "../../contracts/events/EventEnvelope.js"
import { english } from "../../domain/catalogue/english.js"
import { hebrew } from "../../domain/catalogue/hebrew.js"
import { CurrencyCode, MinorUnits } from "../../domain/pricing/Money.js"
import { seedOrder, seedUser, unique } from "./support/fixtures.js"
import { emptyState, storageDouble } from "./support/StorageDouble.js"
import type { StoreState } from "./support/StorageDouble.js"

const payment = (fields: { orderId: string; amount?: number; currency?: string; status?: "paid" | "unpaid" | "failed"; id?: string }) =>
  new ReceivedPayment({
    paymentId: fields.id ?? unique("pay"),
    orderId: fields.orderId,
    amountMinor: MinorUnits.make(fields.amount ?? 1290),
    currency: CurrencyCode.make(fields.currency ?? "USD"),
    status: fields.status ?? "paid",
    paidAt: new Date("2026-11-25T10:00:00Z"),
    provider: "signed-event"
  })

const receive = (state: StoreState, received: ReceivedPayment) => receivePayment(received).pipe(Effect.provide(storageDouble(state)))

const textsTo = (state: StoreState) =>
  state.intents.map((intent) => (intent.message._tag === "Text" ? intent.message.body : intent.message._tag))

describe("receivePayment", () => {
  it.effect("exact payment: the order is paid once and a PaymentReceivedEvent waits in the outbox", () =>
    Effect.gen(function* () {
      const state = emptyState()
      const userId = seedUser(state)
      const order = seedOrder(state, { userId })
      const received = payment({ orderId: order.id })
      const outcome = yield* receive(state, received)
      expect(outcome).toMatchObject({ _tag: "Accepted", orderId: order.id, userId, trainingStarted: true })
      expect(state.orders.get(order.id)?.status).toBe("paid")
      expect(state.outbox).toHaveLength(1)
      const row = state.outbox[0]!.event
      expect(row).toMatchObject({ eventType: "PaymentReceivedEvent", key: userId })
      const envelope = yield* Schema.decode(EventEnvelopeJson)(row.body)
      expect(envelope.source_service).toBe("payment")
      expect(yield* Schema.decodeUnknown(BotEvents.PaymentReceived.schema)(envelope.data)).toEqual({
        orderId: order.id,
        userId,
        paymentId: received.paymentId,
        amountMinor: 1290,
        currency: "USD"
      })
      expect(state.payments.get(received.paymentId)).toMatchObject({ outcome: "accepted", tier: Option.some("Standard") })
      expect(state.intents).toHaveLength(0)
    })
  )

  it.effect("a double delivery of one payment id changes nothing the second time", () =>
    Effect.gen(function* () {
      const state = emptyState()
      const order = seedOrder(state, { userId: seedUser(state) })
      const received = payment({ orderId: order.id })
      expect((yield* receive(state, received))._tag).toBe("Accepted")
      const before = { payments: state.payments.size, outbox: state.outbox.length, marks: state.calls.get("Orders.markPaid") }
      expect((yield* receive(state, received))._tag).toBe("Duplicate")
      expect({ payments: state.payments.size, outbox: state.outbox.length, marks: state.calls.get("Orders.markPaid") }).toEqual(before)
    })
  )

  it.effect("underpayment: no training, the order is held, the user is told in their language, the payment kept", () =>
    Effect.gen(function* () {
      const state = emptyState()
      const userId = seedUser(state, "he")
      const order = seedOrder(state, { userId, amountMinor: 1161 })
      const received = payment({ orderId: order.id, amount: 1000 })
      const outcome = yield* receive(state, received)
      expect(outcome).toMatchObject({ _tag: "Mismatch", reason: "underpaid" })
      expect(state.orders.get(order.id)?.status).toBe("payment_mismatch")
      expect(state.outbox).toHaveLength(0)
      expect(textsTo(state)).toEqual([hebrew.paymentMismatch])
      expect(state.intents[0]).toMatchObject({ userId, recipient: { waId: Option.some("972500000001") } })
      expect(state.payments.get(received.paymentId)?.outcome).toBe("underpaid")
    })
  )

  it.effect("wrong currency is a mismatch too (English by default)", () =>
    Effect.gen(function* () {
      const state = emptyState()
      const order = seedOrder(state, { userId: seedUser(state) })
      const outcome = yield* receive(state, payment({ orderId: order.id, currency: "EUR" }))
      expect(outcome).toMatchObject({ _tag: "Mismatch", reason: "wrong_currency" })
      expect(textsTo(state)).toEqual([english.paymentMismatch])
      expect(state.outbox).toHaveLength(0)
    })
  )

  it.effect("overpayment: training starts, and the payment is recorded for the operator", () =>
    Effect.gen(function* () {
      const state = emptyState()
      const order = seedOrder(state, { userId: seedUser(state) })
      const received = payment({ orderId: order.id, amount: 1500 })
      expect(yield* receive(state, received)).toMatchObject({ _tag: "Overpaid", excess: 210 })
      expect(state.orders.get(order.id)?.status).toBe("paid")
      expect(state.outbox).toHaveLength(1)
      expect(state.payments.get(received.paymentId)?.outcome).toBe("overpaid")
    })
  )

  it.effect("a payment for an unknown order is kept for review, never dropped", () =>
    Effect.gen(function* () {
      const state = emptyState()
      const received = payment({ orderId: "no-such-order" })
      expect(yield* receive(state, received)).toMatchObject({ _tag: "UnknownOrder", orderId: "no-such-order" })
      expect(state.payments.get(received.paymentId)).toMatchObject({
        outcome: "unknown_order",
        orderId: "no-such-order",
        userRef: Option.none(),
        amountMinor: 1290
      })
      expect(state.outbox).toHaveLength(0)
    })
  )

  it.effect("a second, different payment for a paid order starts nothing and goes to review", () =>
    Effect.gen(function* () {
      const state = emptyState()
      const order = seedOrder(state, { userId: seedUser(state) })
      yield* receive(state, payment({ orderId: order.id }))
      const second = payment({ orderId: order.id })
      expect(yield* receive(state, second)).toMatchObject({ _tag: "NotAwaitingPayment", status: "paid" })
      expect(state.outbox).toHaveLength(1)
      expect(state.payments.get(second.paymentId)?.outcome).toBe("not_awaiting_payment")
    })
  )

  it.effect("an unpaid or failed report is recorded and does nothing", () =>
    Effect.gen(function* () {
      const state = emptyState()
      const order = seedOrder(state, { userId: seedUser(state) })
      for (const status of ["unpaid", "failed"] as const) {
        const received = payment({ orderId: order.id, status })
        expect(yield* receive(state, received)).toMatchObject({ _tag: "NotPaid", status })
        expect(state.payments.get(received.paymentId)?.outcome).toBe("not_paid")
      }
      expect(state.orders.get(order.id)?.status).toBe("awaiting_payment")
      expect(state.outbox).toHaveLength(0)
      expect(state.intents).toHaveLength(0)
    })
  )

  it.effect("storage down: a typed StorageUnavailable, nothing written", () =>
    Effect.gen(function* () {
      const state = emptyState()
      const order = seedOrder(state, { userId: seedUser(state) })
      state.down = true
      const exit = yield* Effect.exit(receive(state, payment({ orderId: order.id })))
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag).toBe("StorageUnavailable")
      expect(state.payments.size).toBe(0)
    })
  )
})
