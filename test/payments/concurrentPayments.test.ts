import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, LogLevel, Option } from "effect"
import { MigrationsLive } from "../../adapters/postgres/Migrations.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { OutboundWakeup, OutboxWakeup } from "../../application/events/Wakeup.js"
import { receivePayment } from "../../application/payments/receivePayment.js"
import { ReceivedPayment } from "../../application/payments/ReceivedPayment.js"
import { Ids } from "../../application/ports/Ids.js"
import { Orders } from "../../application/ports/Orders.js"
import { PaymentRecords } from "../../application/ports/PaymentRecords.js"
import { Users } from "../../application/ports/Users.js"
import { UserId } from "../../domain/ids.js"
import { CurrencyCode, MinorUnits } from "../../domain/pricing/Money.js"
import { freshSchema, isReachable } from "../support/TestDatabase.js"
import { orderAwaitingPayment } from "./support/fixtures.js"

/**
 * Two paid checkouts of one order arriving at the same moment, on Postgres, where the two
 * transactions really overlap: one pays the order, the other is money a person must look at.
 */
const reachable = await isReachable()

const store = PgStorage.pipe(
  Layer.provideMerge(Layer.provideMerge(MigrationsLive, freshSchema("concurrent_payments"))),
  Layer.merge(Layer.mergeAll(Ids.random, OutboxWakeup.layer, OutboundWakeup.layer))
)

const seed = Effect.gen(function* () {
  const userId = UserId.make(globalThis.crypto.randomUUID())
  const { user } = yield* (yield* Users).resolve(
    { waId: Option.some(`9725${Math.floor(Math.random() * 1e8)}`), bsuid: Option.none(), profileName: Option.none() },
    userId,
    new Date()
  )
  const order = orderAwaitingPayment(user.id, { createdAt: new Date() })
  yield* (yield* Orders).create(order)
  return order
})

const paid = (orderId: string, paymentId: string) =>
  new ReceivedPayment({
    paymentId,
    orderId,
    amountMinor: MinorUnits.make(1290),
    currency: CurrencyCode.make("USD"),
    status: "paid",
    paidAt: new Date(),
    provider: "stripe"
  })

describe.skipIf(!reachable)("two paid checkouts of one order at once (Postgres)", () => {
  it.live("one pays the order; the other is recorded for review, never as a plain acceptance", () =>
    Effect.gen(function* () {
      for (let round = 0; round < 5; round++) {
        const order = yield* seed
        const outcomes = yield* Effect.all(
          [receivePayment(paid(order.id, `evt_a_${round}_${order.id}`)), receivePayment(paid(order.id, `evt_b_${round}_${order.id}`))],
          { concurrency: 2 }
        )
        const started = outcomes.filter((outcome) => outcome._tag === "Accepted" && outcome.trainingStarted)
        expect(started).toHaveLength(1)
        expect(outcomes.map((outcome) => outcome._tag).sort()).toEqual(["Accepted", "NotAwaitingPayment"])
        const review = (yield* (yield* PaymentRecords).needingReview).filter((record) => record.orderId === order.id)
        expect(review.map((record) => record.outcome)).toEqual(["not_awaiting_payment"])
      }
    }).pipe(Effect.provide(store), Logger.withMinimumLogLevel(LogLevel.None)))
})
