import { describe, expect, it, layer } from "@effect/vitest"
import * as http from "node:http"
import { Effect, Either, Exit, Option, Redacted } from "effect"
import { notificationToken, readSumitNotification, sumitAmountToMinor, SumitPayments, tokenMatches } from "../../adapters/payments/SumitCheckout.js"
import { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import { OrderId } from "../../domain/ids.js"
import { FakeSumit } from "../../testing/fakes/payments/sumit/FakeSumit.js"
import { paymentProviderSuite } from "../../testing/port-suites/PaymentProviderSuite.js"
import { sumitChatUrl, sumitOverFake, sumitRequest } from "./support/sumitOverFake.js"

paymentProviderSuite("SUMIT over the fake SUMIT", sumitOverFake())

let sequence = 0
const order = () => OrderId.make(`sumit-order-${Date.now().toString(36)}-${(sequence += 1)}`)

const failureOf = <A, E extends { readonly _tag: string }>(exit: Exit.Exit<A, E>) =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined

/** A listener standing in for the bot's notification endpoint: what SUMIT posted to it. */
const listener = Effect.acquireRelease(
  Effect.promise(
    () =>
      new Promise<{ readonly url: string; readonly server: http.Server }>((resolve) => {
        const server = http.createServer((req, res) => {
          req.resume()
          req.on("end", () => res.writeHead(200).end("ok"))
        })
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          resolve({ url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/payment-received/sumit`, server })
        })
      })
  ),
  ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
)

const notificationUrl = "http://127.0.0.1:1/payment-received/sumit"

layer(sumitOverFake(notificationUrl), { excludeTestServices: true })("SUMIT adapter", (it) => {
  it.effect("asks beginredirect for a page at the order's amount, in ILS, naming the order, returning to the chat, notifying with a per-order token", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const fake = yield* FakeSumit
      const orderId = order()
      const checkout = yield* provider.createCheckout(sumitRequest(orderId, 3591))
      const page = yield* fake.pageOfUrl(checkout.url)
      expect(page).toMatchObject({ amount: 35.91, currency: 0, externalIdentifier: orderId, redirectUrl: sumitChatUrl })
      const ipn = new URL(page?.ipnUrl ?? "")
      expect(ipn.searchParams.get("order")).toBe(orderId)
      expect(tokenMatches(Redacted.make(fake.apiKey), orderId, ipn.searchParams.get("token") ?? "")).toBe(true)
      expect(tokenMatches(Redacted.make(fake.apiKey), `${orderId}x`, ipn.searchParams.get("token") ?? "")).toBe(false)
    }))

  it.effect("confirms a paid payment by payments/get: amount, currency, order and customer from SUMIT's answer", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const sumit = yield* SumitPayments
      const fake = yield* FakeSumit
      const orderId = order()
      const checkout = yield* provider.createCheckout(sumitRequest(orderId))
      const page = yield* fake.pageOfUrl(checkout.url)
      const paymentId = yield* fake.pay(page?.id ?? "", { phone: "972501234567", name: "Dana" })
      const confirmed = yield* sumit.get(paymentId)
      expect(confirmed).toMatchObject({
        paymentId,
        orderId: Option.some(orderId),
        amountMinor: 3990,
        currency: "ILS",
        approved: true,
        customerPhone: Option.some("972501234567"),
        customerName: Option.some("Dana")
      })
    }))

  it.effect("a declined payment is confirmed as not approved", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const sumit = yield* SumitPayments
      const fake = yield* FakeSumit
      const checkout = yield* provider.createCheckout(sumitRequest(order()))
      yield* fake.declineNext
      const paymentId = yield* fake.pay((yield* fake.pageOfUrl(checkout.url))?.id ?? "")
      expect((yield* sumit.get(paymentId)).approved).toBe(false)
    }))

  it.effect("a payment SUMIT does not know, or an id that is no number, is refused", () =>
    Effect.gen(function* () {
      const sumit = yield* SumitPayments
      expect(failureOf(yield* Effect.exit(sumit.get("123")))?._tag).toBe("PaymentRequestRefused")
      expect(failureOf(yield* Effect.exit(sumit.get("1; drop")))?._tag).toBe("PaymentRequestRefused")
    }))

  it.effect("rejected credentials are a refusal; a 500 is retried and then unavailable", () =>
    Effect.gen(function* () {
      const provider = yield* PaymentProvider
      const fake = yield* FakeSumit
      yield* fake.failNext("credentials")
      expect(failureOf(yield* Effect.exit(provider.createCheckout(sumitRequest(order()))))).toMatchObject({
        _tag: "PaymentRequestRefused",
        reason: expect.stringContaining("Invalid credentials")
      })
      yield* fake.failNext("server_error", 2)
      expect((yield* provider.createCheckout(sumitRequest(order()))).url).toContain("/pay/")
      yield* fake.failNext("unreachable_status", 3)
      expect(failureOf(yield* Effect.exit(provider.createCheckout(sumitRequest(order()))))?._tag).toBe("PaymentProviderUnavailable")
    }))
})

describe("SUMIT notifications", () => {
  it.effect("the payment id is read from each shape SUMIT posts, and nothing else is", () =>
    Effect.gen(function* () {
      const fake = yield* FakeSumit
      const target = yield* listener
      for (const style of ["json", "form", "json-field"] as const) {
        yield* fake.setNotificationStyle(style)
        const page = yield* Effect.flatMap(
          Effect.promise(() =>
            fetch(`${fake.baseUrl}/billing/payments/beginredirect/`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({
                Credentials: { CompanyID: fake.companyId, APIKey: fake.apiKey },
                Customer: { Name: "x", ExternalIdentifier: "o" },
                Items: [{ Item: { Name: "x", ExternalIdentifier: "Lite" }, Quantity: 1, UnitPrice: 19.9, Currency: 0 }],
                VATIncluded: true,
                RedirectURL: sumitChatUrl,
                CancelRedirectURL: sumitChatUrl,
                IPNURL: target.url,
                ExternalIdentifier: "o"
              })
            }).then((response) => response.text())
          ),
          (text) => fake.pageOfUrl(text)
        )
        const paymentId = yield* fake.pay(page?.id ?? "")
        const [delivery] = (yield* fake.notifications).slice(-1)
        expect(delivery?.status).toBe(200)
        const read = readSumitNotification(new TextEncoder().encode(delivery?.body ?? ""), delivery?.contentType)
        expect(read).toEqual(Either.right(paymentId))
      }
    }).pipe(Effect.scoped, Effect.provide(FakeSumit.layer())))

  it("the original bot's trigger names the payment by EntityID", () => {
    const trigger = { EntityID: 424242, Properties: { "Property_M-5": ["972500000000"], "Property_M-3": [{ Name: "Lite" }] } }
    expect(readSumitNotification(new TextEncoder().encode(JSON.stringify(trigger)), "application/json")).toEqual(Either.right("424242"))
    expect(Either.isLeft(readSumitNotification(new TextEncoder().encode("{}"), "application/json"))).toBe(true)
    expect(Either.isLeft(readSumitNotification(new TextEncoder().encode("not json"), "text/plain"))).toBe(true)
  })

  it("amounts are converted through their text, and tokens are per order", () => {
    expect(sumitAmountToMinor(39.9, "ILS")).toBe(3990)
    expect(sumitAmountToMinor(0.29, "USD")).toBe(29)
    expect(sumitAmountToMinor(10.005, "EUR")).toBeUndefined()
    expect(notificationToken(Redacted.make("k"), "o-1")).not.toBe(notificationToken(Redacted.make("k"), "o-2"))
  })
})
