import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Logger, LogLevel, Option, Schema } from "effect"
import { receivePayment } from "../../application/payments/receivePayment.js"
import { ReceivedPayment } from "../../application/payments/ReceivedPayment.js"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import { EventEnvelopeJson } from "../../contracts/events/EventEnvelope.js"
import { english } from "../../domain/catalogue/english.js"
import { hebrew } from "../../domain/catalogue/hebrew.js"
import { CurrencyCode, MinorUnits } from "../../domain/pricing/Money.js"
import { unique } from "./support/fixtures.js"
import {
  intents,
  memoryStore,
  orderStatus,
  outboxEvents,
  paymentById,
  payments,
  seedOrder,
  seedUser,
  setOutage
} from "./support/memoryStore.js"
import type { MemoryStore } from "./support/memoryStore.js"

const payment = (fields: { orderId: string; amount?: number; currency?: string; status?: "paid" | "unpaid" | "failed" }) =>
  new ReceivedPayment({
    paymentId: unique("pay"),
    orderId: fields.orderId,
    amountMinor: MinorUnits.make(fields.amount ?? 1290),
    currency: CurrencyCode.make(fields.currency ?? "USD"),
    status: fields.status ?? "paid",
    paidAt: new Date("2026-11-25T10:00:00Z"),
    provider: "signed-event"
  })

/** Each test on a fresh in-memory database. */
const fresh = <A, E>(test: Effect.Effect<A, E, MemoryStore>) =>
  test.pipe(Effect.provide(memoryStore), Logger.withMinimumLogLevel(LogLevel.None))

const texts = Effect.map(intents, (all) => all.map((intent) => (intent.message._tag === "Text" ? intent.message.body : intent.message._tag)))

describe("receivePayment", () => {
  it.effect("exact payment: the order is paid once and a PaymentReceivedEvent waits in the outbox", () =>
    fresh(
      Effect.gen(function* () {
        const user = yield* seedUser()
        const order = yield* seedOrder({ userId: user.id })
        const received = payment({ orderId: order.id })
        const outcome = yield* receivePayment(received)
        expect(outcome).toMatchObject({ _tag: "Accepted", orderId: order.id, userId: user.id, trainingStarted: true })
        expect(yield* orderStatus(order.id)).toBe("Paid")
        const events = yield* outboxEvents
        expect(events).toHaveLength(1)
        expect(events[0]).toMatchObject({ eventType: "PaymentReceivedEvent", key: user.id })
        const envelope = yield* Schema.decode(EventEnvelopeJson)(events[0]?.body ?? "")
        expect(envelope.source_service).toBe("payment")
        expect(yield* Schema.decodeUnknown(BotEvents.PaymentReceived.schema)(envelope.data)).toEqual({
          orderId: order.id,
          userId: user.id,
          paymentId: received.paymentId,
          amountMinor: 1290,
          currency: "USD"
        })
        expect(yield* paymentById(received.paymentId)).toMatchObject({
          outcome: "accepted",
          tier: Option.some("Standard"),
          userRef: Option.some(user.id)
        })
        expect(yield* intents).toHaveLength(0)
      })
    )
  )

  it.effect("a double delivery of one payment id changes nothing the second time", () =>
    fresh(
      Effect.gen(function* () {
        const order = yield* seedOrder({ userId: (yield* seedUser()).id })
        const received = payment({ orderId: order.id })
        expect((yield* receivePayment(received))._tag).toBe("Accepted")
        const before = { payments: yield* payments, events: yield* outboxEvents }
        expect((yield* receivePayment(received))._tag).toBe("Duplicate")
        expect({ payments: yield* payments, events: yield* outboxEvents }).toEqual(before)
      })
    )
  )

  it.effect("concurrent deliveries of one payment: exactly one takes effect", () =>
    fresh(
      Effect.gen(function* () {
        const order = yield* seedOrder({ userId: (yield* seedUser()).id })
        const received = payment({ orderId: order.id })
        const outcomes = yield* Effect.all(Array.from({ length: 5 }, () => receivePayment(received)), { concurrency: "unbounded" })
        expect(outcomes.map((o) => o._tag).sort()).toEqual(["Accepted", "Duplicate", "Duplicate", "Duplicate", "Duplicate"])
        expect(yield* outboxEvents).toHaveLength(1)
      })
    )
  )

  it.effect("underpayment: no training, the order is held, the user is told in their language, the payment kept", () =>
    fresh(
      Effect.gen(function* () {
        const user = yield* seedUser("he")
        const order = yield* seedOrder({ userId: user.id, amountMinor: 1161 })
        const received = payment({ orderId: order.id, amount: 1000 })
        expect(yield* receivePayment(received)).toMatchObject({ _tag: "Mismatch", reason: "underpaid" })
        expect(yield* orderStatus(order.id)).toBe("NeedsAttention")
        expect(yield* outboxEvents).toHaveLength(0)
        expect(yield* texts).toEqual([hebrew.paymentMismatch])
        expect((yield* intents)[0]).toMatchObject({ userId: user.id, recipient: { waId: user.waId } })
        expect((yield* paymentById(received.paymentId))?.outcome).toBe("underpaid")
      })
    )
  )

  it.effect("wrong currency is a mismatch too (English by default)", () =>
    fresh(
      Effect.gen(function* () {
        const order = yield* seedOrder({ userId: (yield* seedUser()).id })
        expect(yield* receivePayment(payment({ orderId: order.id, currency: "EUR" }))).toMatchObject({
          _tag: "Mismatch",
          reason: "wrong_currency"
        })
        expect(yield* texts).toEqual([english.paymentMismatch])
        expect(yield* outboxEvents).toHaveLength(0)
      })
    )
  )

  it.effect("overpayment: training starts, and the payment is recorded for the operator", () =>
    fresh(
      Effect.gen(function* () {
        const order = yield* seedOrder({ userId: (yield* seedUser()).id })
        const received = payment({ orderId: order.id, amount: 1500 })
        expect(yield* receivePayment(received)).toMatchObject({ _tag: "Overpaid", excess: 210 })
        expect(yield* orderStatus(order.id)).toBe("Paid")
        expect(yield* outboxEvents).toHaveLength(1)
        expect((yield* paymentById(received.paymentId))?.outcome).toBe("overpaid")
      })
    )
  )

  it.effect("a payment for an unknown order is kept for review, never dropped", () =>
    fresh(
      Effect.gen(function* () {
        const received = payment({ orderId: "no-such-order" })
        expect(yield* receivePayment(received)).toMatchObject({ _tag: "UnknownOrder", orderId: "no-such-order" })
        expect(yield* paymentById(received.paymentId)).toMatchObject({
          outcome: "unknown_order",
          orderId: "no-such-order",
          userRef: Option.none(),
          amountMinor: 1290
        })
        expect(yield* outboxEvents).toHaveLength(0)
      })
    )
  )

  it.effect("a second, different payment for a paid order starts nothing and goes to review", () =>
    fresh(
      Effect.gen(function* () {
        const order = yield* seedOrder({ userId: (yield* seedUser()).id })
        yield* receivePayment(payment({ orderId: order.id }))
        const second = payment({ orderId: order.id })
        expect(yield* receivePayment(second)).toMatchObject({ _tag: "NotAwaitingPayment", status: "Paid" })
        expect(yield* outboxEvents).toHaveLength(1)
        expect((yield* paymentById(second.paymentId))?.outcome).toBe("not_awaiting_payment")
      })
    )
  )

  it.effect("tier names match the domain's whatever their case", () =>
    fresh(
      Effect.gen(function* () {
        const order = yield* seedOrder({ userId: (yield* seedUser()).id, tier: "standard" })
        expect((yield* receivePayment(payment({ orderId: order.id })))._tag).toBe("Accepted")
      })
    )
  )

  it.effect("an unpaid or failed report is recorded and does nothing", () =>
    fresh(
      Effect.gen(function* () {
        const order = yield* seedOrder({ userId: (yield* seedUser()).id })
        for (const status of ["unpaid", "failed"] as const) {
          const received = payment({ orderId: order.id, status })
          expect(yield* receivePayment(received)).toMatchObject({ _tag: "NotPaid", status })
          expect((yield* paymentById(received.paymentId))?.outcome).toBe("not_paid")
        }
        expect(yield* orderStatus(order.id)).toBe("AwaitingPayment")
        expect(yield* outboxEvents).toHaveLength(0)
        expect(yield* intents).toHaveLength(0)
      })
    )
  )

  it.effect("storage down: a typed StorageUnavailable, nothing written", () =>
    fresh(
      Effect.gen(function* () {
        const order = yield* seedOrder({ userId: (yield* seedUser()).id })
        yield* setOutage(true)
        const exit = yield* Effect.exit(receivePayment(payment({ orderId: order.id })))
        expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag).toBe("StorageUnavailable")
        expect(yield* payments).toHaveLength(0)
      })
    )
  )
})
