import { Effect, Layer, Option } from "effect"
import { PaymentRecord, PaymentRecords } from "../../application/ports/PaymentRecords.js"
import { byText, byTime, InMemoryDatabase, sorted } from "./InMemoryDatabase.js"

/** A payment id is the provider's: the same id from two providers is two payments. */
const key = (payment: PaymentRecord) => JSON.stringify([payment.provider, payment.id])

export const InMemoryPaymentRecords = Layer.effect(
  PaymentRecords,
  Effect.map(InMemoryDatabase, (db) =>
    PaymentRecords.of({
      recordIfNew: (payment) =>
        db.run((t) => {
          if (t.payments.has(key(payment))) return false
          t.payments.set(key(payment), payment)
          return true
        }),
      needingReview: db.run((t) =>
        sorted(
          [...t.payments.values()].filter((p) => p.outcome !== "accepted"),
          (a, b) => byTime(a.receivedAt, b.receivedAt) || byText(a.id, b.id)
        )
      ),
      byProviderPaymentId: (provider, providerPaymentId) =>
        db.run((t) =>
          Option.fromNullable(
            sorted(
              [...t.payments.values()].filter((p) => p.provider === provider && Option.contains(p.providerPaymentId, providerPaymentId)),
              (a, b) => byTime(a.receivedAt, b.receivedAt) || byText(a.id, b.id)
            )[0]
          )
        ),
      forOrder: (orderId) =>
        db.run((t) =>
          sorted(
            [...t.payments.values()].filter((p) => p.orderId === orderId),
            (a, b) => byTime(a.receivedAt, b.receivedAt) || byText(a.id, b.id)
          )
        ),
      pseudonymizeUser: (userId, hashedRef) =>
        db.run((t) => {
          const theirs = [...t.payments.values()].filter((p) => Option.contains(p.userRef, userId))
          theirs.forEach((p) => t.payments.set(key(p), new PaymentRecord({ ...p, userRef: Option.some(hashedRef) })))
          return theirs.length
        })
    })
  )
)
