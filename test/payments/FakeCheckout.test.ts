import type { HttpServer } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, LogLevel } from "effect"
import type { Scope } from "effect"
import { TemplatePaymentProvider } from "../../adapters/payments/TemplatePaymentProvider.js"
import { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import type { OrderRecord } from "../../application/ports/Orders.js"
import { quote } from "../../domain/pricing/Quote.js"
import { makeFakePaymentProvider } from "../../testing/fakes/payments/FakePaymentProvider.js"
import type { FakePaymentProviderHandle } from "../../testing/fakes/payments/FakePaymentProvider.js"
import { pricing, secret } from "./support/fixtures.js"
import { intents, orderStatus, outboxEvents, payments, seedOrder, seedUser } from "./support/memoryStore.js"
import type { MemoryStore } from "./support/memoryStore.js"
import { webhookServer, webhookUrl } from "./support/webhookServer.js"

interface Setup {
  readonly fake: FakePaymentProviderHandle
  /** A returning customer's order (10% off), and its link from the template. */
  readonly order: OrderRecord
  readonly link: string
}

const withCheckout = <E>(test: (setup: Setup) => Effect.Effect<void, E, Scope.Scope | HttpServer.HttpServer | MemoryStore>) =>
  Effect.gen(function* () {
    const fake = yield* makeFakePaymentProvider({ secret, webhookUrl: yield* webhookUrl })
    const discounted = quote(pricing, "Standard", true)
    const user = yield* seedUser()
    const order = yield* seedOrder({ userId: user.id, amountMinor: discounted.amount, currency: discounted.currency })
    const { url: link } = yield* Effect.flatMap(PaymentProvider, (provider) =>
      provider.createCheckout({ orderId: order.id, amountMinor: order.amountMinor, currency: order.currency, tier: order.tier, description: "Headshots" })
    ).pipe(Effect.provide(TemplatePaymentProvider.layer(fake.linkTemplate)), Effect.orDie)
    yield* test({ fake, order, link })
  }).pipe(Effect.scoped, Effect.provide(webhookServer), Logger.withMinimumLogLevel(LogLevel.None))

const fetchText = (url: string, init?: RequestInit) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    return { status: response.status, html: await response.text() }
  })

/** Opens the link and presses Pay, as a person would: the page's own form, posted back. */
const openAndPay = (link: string) =>
  Effect.gen(function* () {
    const checkout = yield* fetchText(link)
    expect(checkout.status).toBe(200)
    const action = /<form method="post" action="([^"]+)"/.exec(checkout.html)?.[1]
    const fields = [...checkout.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, name, value]) => [name ?? "", value ?? ""])
    expect(action).toBeDefined()
    const paid = yield* fetchText(new URL(action ?? "", link).toString(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString()
    })
    return { checkout, paid }
  })

describe("fake checkout page, end to end over HTTP", () => {
  it.live("shows the discounted amount; Pay sends the signed webhook; the order is paid; the page says paid", () =>
    withCheckout(({ fake, order, link }) =>
      Effect.gen(function* () {
        expect(link).toBe(`${fake.baseUrl}/checkout?order=${encodeURIComponent(order.id)}&amount=11.61&currency=USD&tier=Standard`)
        const { checkout, paid } = yield* openAndPay(link)
        expect(checkout.html).toContain("11.61 USD")
        expect(checkout.html).toContain("<button")
        expect(paid.status).toBe(200)
        expect(paid.html).toContain('data-status="paid"')
        expect(yield* orderStatus(order.id)).toBe("Paid")
        expect(yield* outboxEvents).toHaveLength(1)
        const deliveries = yield* fake.control.deliveries
        expect(deliveries.map((d) => [d.style, d.status])).toEqual([["signed-event", 200]])
        expect(JSON.parse(deliveries[0]?.body ?? "")).toMatchObject({ order_id: order.id, amount: 1161, currency: "USD", status: "paid" })
      })
    )
  )

  it.live("underpay knob: the bot holds the order and tells the user", () =>
    withCheckout(({ fake, order, link }) =>
      Effect.gen(function* () {
        yield* fake.control.setUnderpayBy(100)
        yield* openAndPay(link)
        expect(yield* orderStatus(order.id)).toBe("NeedsAttention")
        expect(yield* outboxEvents).toHaveLength(0)
        expect(yield* intents).toHaveLength(1)
      })
    )
  )

  it.live("duplicates knob: every delivery answered 200, one payment, one event", () =>
    withCheckout(({ fake, order, link }) =>
      Effect.gen(function* () {
        yield* fake.control.setDeliveries(3)
        yield* openAndPay(link)
        expect((yield* fake.control.deliveries).map((d) => d.status)).toEqual([200, 200, 200])
        expect(yield* payments).toHaveLength(1)
        expect(yield* outboxEvents).toHaveLength(1)
        expect(yield* orderStatus(order.id)).toBe("Paid")
      })
    )
  )

  it.live("late knob: an old timestamp is refused (401) and the page says it was not confirmed", () =>
    withCheckout(({ fake, order, link }) =>
      Effect.gen(function* () {
        yield* fake.control.setLateBySeconds(600)
        const { paid } = yield* openAndPay(link)
        expect(paid.html).toContain('data-status="unconfirmed"')
        expect((yield* fake.control.deliveries).map((d) => d.status)).toEqual([401])
        expect(yield* payments).toHaveLength(0)
        expect(yield* orderStatus(order.id)).toBe("AwaitingPayment")
      })
    )
  )

  it.live("Stripe style: a signed checkout.session.completed pays the order", () =>
    withCheckout(({ fake, order, link }) =>
      Effect.gen(function* () {
        yield* fake.control.setStyle("stripe")
        yield* openAndPay(link)
        const [delivery] = yield* fake.control.deliveries
        expect(delivery?.style).toBe("stripe")
        expect(delivery?.status).toBe(200)
        expect(JSON.parse(delivery?.body ?? "")).toMatchObject({ type: "checkout.session.completed", data: { object: { client_reference_id: order.id, amount_total: 1161, currency: "usd" } } })
        expect(yield* orderStatus(order.id)).toBe("Paid")
      })
    )
  )

  it.live("an incomplete link gets a 400 page", () =>
    withCheckout(({ fake }) =>
      Effect.gen(function* () {
        expect((yield* fetchText(`${fake.baseUrl}/checkout?amount=12.90&currency=USD`)).status).toBe(400)
        expect((yield* fetchText(`${fake.baseUrl}/checkout?order=o&amount=12.999&currency=USD`)).status).toBe(400)
      })
    )
  )
})
