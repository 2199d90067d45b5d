import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, LogLevel, Option } from "effect"
import { MigrationsLive } from "../../adapters/postgres/Migrations.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { OutboundWakeup, OutboxWakeup } from "../../application/events/Wakeup.js"
import { receiveFixedPagePayment, whatsAppNumberOf, type FixedPagePayment } from "../../application/payments/receiveFixedPagePayment.js"
import { ReceivedPayment } from "../../application/payments/ReceivedPayment.js"
import { AttentionItems } from "../../application/ports/AttentionItems.js"
import { Ids } from "../../application/ports/Ids.js"
import { Orders } from "../../application/ports/Orders.js"
import { PaymentRecords } from "../../application/ports/PaymentRecords.js"
import { Users } from "../../application/ports/Users.js"
import { SupportSettings } from "../../application/settings/SupportSettings.js"
import { UserId } from "../../domain/ids.js"
import { CurrencyCode, MinorUnits } from "../../domain/pricing/Money.js"
import { freshSchema, isReachable } from "../support/TestDatabase.js"
import { orderAwaitingPayment } from "./support/fixtures.js"

describe("the WhatsApp number a phone typed on a SUMIT page may be", () => {
  it.each([
    ["972541234567", "972541234567"],
    ["+972 54-123-4567", "972541234567"],
    ["00972541234567", "972541234567"],
    ["054-1234567", "972541234567"],
    ["(054) 123 4567", "972541234567"],
    ["", null],
    ["not a phone", null]
  ])("%s -> %s", (typed, number) => {
    expect(Option.getOrNull(whatsAppNumberOf(typed))).toBe(number)
  })
})

/**
 * One fixed-page payment delivered several times at the same moment, on Postgres, where the
 * transactions really overlap: it pays the order once, or opens one attention item, never more.
 */
const reachable = await isReachable()

const store = PgStorage.pipe(
  Layer.provideMerge(Layer.provideMerge(MigrationsLive, freshSchema("fixed_page_payments"))),
  Layer.merge(Layer.mergeAll(Ids.random, OutboxWakeup.layer, OutboundWakeup.layer, Layer.succeed(SupportSettings, { whatsAppNumber: Option.none() })))
)

let sequence = 0
const seed = Effect.gen(function* () {
  const waId = `97252${String((sequence += 1) * 7919 + Math.floor(Math.random() * 1e6)).padStart(7, "0").slice(-7)}`
  const { user } = yield* (yield* Users).resolve({ waId: Option.some(waId), bsuid: Option.none(), profileName: Option.none() }, UserId.make(globalThis.crypto.randomUUID()), new Date())
  const order = orderAwaitingPayment(user.id, {
    amountMinor: 3990,
    currency: "ILS",
    paymentLink: Option.some("https://pay.sumit.co.il/standard"),
    createdAt: new Date()
  })
  yield* (yield* Orders).create(order)
  return { order, waId }
})

const fixedPage = (id: string, amountMinor: number, phone: string): FixedPagePayment => ({
  payment: new ReceivedPayment({
    paymentId: `sumit-${id}`,
    orderId: "",
    amountMinor: MinorUnits.make(amountMinor),
    currency: CurrencyCode.make("ILS"),
    status: "paid",
    paidAt: new Date(),
    provider: "sumit",
    providerPaymentId: id
  }),
  payerPhone: Option.some(phone)
})

const fourAtOnce = (payment: FixedPagePayment) => Effect.all(Array.from({ length: 4 }, () => receiveFixedPagePayment(payment)), { concurrency: 4 })

describe.skipIf(!reachable)("one fixed-page payment delivered four times at once (Postgres)", () => {
  it.live("pays the order once", () =>
    Effect.gen(function* () {
      const { order, waId } = yield* seed
      const id = String(900_000_000 + Math.floor(Math.random() * 1e8))
      const outcomes = yield* fourAtOnce(fixedPage(id, 3990, waId))
      const outcomeTags = outcomes.map((taken) => (taken._tag === "TakenIn" ? taken.outcome._tag : taken._tag))
      expect(outcomeTags.filter((tag) => tag === "Accepted")).toHaveLength(1)
      expect((yield* (yield* Orders).get(order.id)).pipe(Option.map((found) => found.status))).toEqual(Option.some("Paid"))
    }).pipe(Effect.provide(store), Logger.withMinimumLogLevel(LogLevel.None)))

  it.live("at another amount, opens one attention item and trains nothing", () =>
    Effect.gen(function* () {
      const { order, waId } = yield* seed
      const id = String(900_000_000 + Math.floor(Math.random() * 1e8))
      const outcomes = yield* fourAtOnce(fixedPage(id, 2990, waId))
      expect(outcomes.filter((taken) => taken._tag === "Unmatched" && taken.isNew)).toHaveLength(1)
      expect((yield* (yield* AttentionItems).openForOrder(order.id)).map((item) => item.reason)).toEqual(["PaymentMismatch"])
      expect((yield* (yield* Orders).get(order.id)).pipe(Option.map((found) => found.status))).toEqual(Option.some("AwaitingPayment"))
      const review = (yield* (yield* PaymentRecords).needingReview).filter((record) => record.id === `sumit-${id}`)
      expect(review.map((record) => record.outcome)).toEqual(["unmatched"])
    }).pipe(Effect.provide(store), Logger.withMinimumLogLevel(LogLevel.None)))
})
