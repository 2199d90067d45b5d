import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { Layer } from "effect"
import { PaymentRecord, PaymentRecords } from "../../../application/ports/PaymentRecords.js"
import { at, t0, unique, userId, uuid } from "./fixtures.js"

const payment = (overrides: Partial<ConstructorParameters<typeof PaymentRecord>[0]> = {}) =>
  new PaymentRecord({
    id: unique("pay"),
    provider: "fakepay",
    orderId: uuid(),
    userRef: Option.some(userId()),
    amountMinor: 2990,
    currency: "USD",
    tier: Option.some("standard"),
    status: "succeeded",
    outcome: "accepted",
    paidAt: t0,
    receivedAt: at(1),
    ...overrides
  })

/** The guarantees of every PaymentRecords adapter. */
export const paymentRecordsSuite = <E>(name: string, layer: Layer.Layer<PaymentRecords, E>) =>
  describe(`PaymentRecords contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("records a payment once, even when the webhook comes twice at once", () =>
        Effect.gen(function* () {
          const payments = yield* PaymentRecords
          const p = payment()
          const results = yield* Effect.all(
            Array.from({ length: 5 }, () => payments.recordIfNew(p)),
            { concurrency: "unbounded" }
          )
          expect(results.filter(Boolean)).toHaveLength(1)
          expect(yield* payments.recordIfNew(payment({ id: p.id, provider: "otherpay" }))).toBe(true)
        }))

      it.effect("lists the payments needing review and pseudonymizes an erased user", () =>
        Effect.gen(function* () {
          const payments = yield* PaymentRecords
          const owner = userId()
          const under = payment({ userRef: Option.some(owner), outcome: "underpaid", amountMinor: 100, tier: Option.none() })
          const fine = payment({ userRef: Option.some(owner) })
          yield* payments.recordIfNew(under)
          yield* payments.recordIfNew(fine)
          const review = yield* payments.needingReview
          expect(review).toContainEqual(under)
          expect(review.map((p) => p.id)).not.toContain(fine.id)
          expect(yield* payments.pseudonymizeUser(owner, "sha256:abc")).toBe(2)
          const after = yield* payments.needingReview
          expect(after.find((p) => p.id === under.id)?.userRef).toEqual(Option.some("sha256:abc"))
        }))

      it.effect("lists an order's records, oldest first, and no other order's", () =>
        Effect.gen(function* () {
          const payments = yield* PaymentRecords
          const order = uuid()
          const paid = payment({ orderId: order, receivedAt: at(1) })
          const refund = payment({ orderId: order, receivedAt: at(2), outcome: "refunded" })
          yield* payments.recordIfNew(refund)
          yield* payments.recordIfNew(paid)
          yield* payments.recordIfNew(payment())
          expect(yield* payments.forOrder(order)).toEqual([paid, refund])
          expect(yield* payments.forOrder(uuid())).toEqual([])
        }))

      it.effect("finds the payment that took some money by the provider's id of it, the earliest first", () =>
        Effect.gen(function* () {
          const payments = yield* PaymentRecords
          const money = unique("pi")
          const first = payment({ providerPaymentId: Option.some(money), receivedAt: at(1) })
          const refund = payment({ providerPaymentId: Option.some(money), receivedAt: at(2), outcome: "refunded" })
          yield* payments.recordIfNew(refund)
          yield* payments.recordIfNew(first)
          expect(yield* payments.byProviderPaymentId("fakepay", money)).toEqual(Option.some(first))
          expect(yield* payments.byProviderPaymentId("otherpay", money)).toEqual(Option.none())
          expect(yield* payments.byProviderPaymentId("fakepay", unique("pi"))).toEqual(Option.none())
        }))
    })
  })
