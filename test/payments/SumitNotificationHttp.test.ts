import { FetchHttpClient, type HttpServer } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Logger, LogLevel, Redacted } from "effect"
import { make as makeSumit, notificationToken } from "../../adapters/payments/SumitCheckout.js"
import type { OrderRecord } from "../../application/ports/Orders.js"
import type { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import { makeFakeSumit, type FakeSumitHandle, type SumitNotificationStyle } from "../../testing/fakes/payments/sumit/FakeSumit.js"
import { outboxEvents, paymentById, payments, seedOrder, seedUser, type MemoryStore } from "./support/memoryStore.js"
import { secret } from "./support/fixtures.js"
import { sumitNotificationUrl, webhookServerWith } from "./support/webhookServer.js"
import { sumitRequest, sumitSettingsFor } from "./support/sumitOverFake.js"

/** The SUMIT adapter made with the test server's notification URL, once the server listens. */
class SumitProvider extends Context.Tag("test/SumitProvider")<SumitProvider, PaymentProvider["Type"]>() {}

/**
 * SUMIT's unsigned notifications over real HTTP: the fake SUMIT's hosted page pays and posts to the
 * bot's `/payment-received/sumit`, which confirms the payment with the fake's `payments/get`.
 */
const withSumit = <A, E>(test: (fake: FakeSumitHandle) => Effect.Effect<A, E, SumitProvider | MemoryStore | HttpServer.HttpServer>) =>
  Effect.gen(function* () {
    const fake = yield* makeFakeSumit()
    const { payments: sumit } = yield* makeSumit(sumitSettingsFor(fake, "http://unused.invalid/")).pipe(Effect.provide(FetchHttpClient.layer))
    return yield* Effect.gen(function* () {
      const notifyAt = yield* sumitNotificationUrl
      const { provider } = yield* makeSumit(sumitSettingsFor(fake, notifyAt)).pipe(Effect.provide(FetchHttpClient.layer))
      return yield* test(fake).pipe(Effect.provideService(SumitProvider, provider))
    }).pipe(Effect.provide(webhookServerWith({ secret: Redacted.make(secret), sumit })))
  }).pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.None))

const orderOf = (amountMinor = 3990) => Effect.flatMap(seedUser(), (user) => seedOrder({ userId: user.id, amountMinor, currency: "ILS" }))

const checkoutFor = (order: OrderRecord) =>
  Effect.flatMap(SumitProvider, (provider) => provider.createCheckout(sumitRequest(order.id, order.amountMinor, "ILS")))

const payPage = (fake: FakeSumitHandle, url: string) =>
  Effect.flatMap(fake.pageOfUrl(url), (page) => fake.pay(page?.id ?? "missing"))

describe("POST /payment-received/sumit", () => {
  for (const style of ["json", "form", "json-field"] as const satisfies ReadonlyArray<SumitNotificationStyle>) {
    it.effect(`takes a paid order's ${style} notification once, confirmed by payments/get`, () =>
      withSumit((fake) =>
        Effect.gen(function* () {
          yield* fake.setNotificationStyle(style)
          const order = yield* orderOf()
          const checkout = yield* checkoutFor(order)
          const paymentId = yield* payPage(fake, checkout.url)
          const [delivery] = yield* fake.notifications
          expect(delivery?.status).toBe(200)
          expect(yield* fake.lookups).toBe(1)
          expect(yield* paymentById(`sumit-${paymentId}`)).toMatchObject({ orderId: order.id, amountMinor: 3990, currency: "ILS", outcome: "accepted" })
          expect(yield* outboxEvents).toHaveLength(1)
          // SUMIT retries a notification: the payment id takes effect once.
          const again = yield* fake.post(delivery?.url ?? "", delivery?.body ?? "", delivery?.contentType ?? "")
          expect(again.status).toBe(200)
          expect(yield* outboxEvents).toHaveLength(1)
        })
      ))
  }

  it.effect("reads the amount from SUMIT's answer, never from the notification", () =>
    withSumit((fake) =>
      Effect.gen(function* () {
        const order = yield* orderOf(3990)
        const checkout = yield* checkoutFor(order)
        yield* fake.setNotificationStyle("form")
        const paymentId = yield* payPage(fake, checkout.url)
        const url = (yield* fake.notifications)[0]?.url ?? ""
        // A forged notification claiming a larger amount for the same real payment: replayed, nothing more.
        const forged = yield* fake.post(url, `Payment.ID=${paymentId}&Payment.Amount=99999&Payment.ValidPayment=true&Payment.Status=000`, "application/x-www-form-urlencoded")
        expect(forged.status).toBe(200)
        expect((yield* payments).map((payment) => payment.amountMinor)).toEqual([3990])
      })
    ))

  it.effect("refuses a notification with a wrong token, for a payment SUMIT does not know, or for another order's payment", () =>
    withSumit((fake) =>
      Effect.gen(function* () {
        const first = yield* orderOf()
        const second = yield* orderOf()
        const paid = yield* payPage(fake, (yield* checkoutFor(first)).url)
        yield* checkoutFor(second)
        const base = yield* sumitNotificationUrl
        const tokenOf = (orderId: string) => notificationToken(Redacted.make(fake.apiKey), orderId)
        const post = (query: string, paymentId: string) =>
          Effect.map(fake.post(`${base}?${query}`, JSON.stringify({ Payment: { ID: Number(paymentId) } }), "application/json"), (delivery) => delivery.status)
        expect(yield* post(`order=${second.id}&token=${"0".repeat(64)}`, paid)).toBe(401)
        expect(yield* post(`order=${second.id}&token=${tokenOf(second.id)}`, "777")).toBe(401)
        expect(yield* post(`order=${second.id}&token=${tokenOf(second.id)}`, paid)).toBe(401)
        expect(yield* post(`order=${second.id}&token=${tokenOf(second.id)}`, "not-a-number")).toBe(400)
        expect((yield* payments).map((payment) => payment.orderId)).toEqual([first.id])
      })
    ))

  it.effect("a declined payment is recorded as not paid and starts nothing", () =>
    withSumit((fake) =>
      Effect.gen(function* () {
        const order = yield* orderOf()
        const checkout = yield* checkoutFor(order)
        yield* fake.declineNext
        const paymentId = yield* payPage(fake, checkout.url)
        expect((yield* paymentById(`sumit-${paymentId}`))?.outcome).toBe("not_paid")
        expect(yield* outboxEvents).toHaveLength(0)
      })
    ))

  it.effect("answers 404 when the bot does not take payments with SUMIT", () =>
    Effect.gen(function* () {
      const url = yield* sumitNotificationUrl
      const status = yield* Effect.promise(() => fetch(url, { method: "POST", body: "{}" }).then((response) => response.status))
      expect(status).toBe(404)
    }).pipe(Effect.provide(webhookServerWith({ secret: Redacted.make(secret) })), Logger.withMinimumLogLevel(LogLevel.None)))
})
