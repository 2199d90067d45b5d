import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Option, Ref } from "effect"
import { InMemoryDatabase } from "../../adapters/memory/InMemoryDatabase.js"
import { executeCommands } from "../../application/conversation/executeCommands.js"
import { handleCheckoutRequested } from "../../application/payments/CheckoutConsumer.js"
import type { BrokerMessage } from "../../application/ports/EventBroker.js"
import { Orders } from "../../application/ports/Orders.js"
import {
  PaymentProvider,
  PaymentProviderUnavailable,
  PaymentRequestRefused,
  type CheckoutRequest,
  type PaymentProviderError
} from "../../application/ports/PaymentProvider.js"
import { UnitOfWork } from "../../application/ports/UnitOfWork.js"
import type { UserRecord } from "../../application/ports/Users.js"
import { english } from "../../domain/catalogue/english.js"
import { Command } from "../../domain/conversation/Command.js"
import { OrderId, PackId } from "../../domain/ids.js"
import { quote } from "../../domain/pricing/Quote.js"
import { pricing } from "../payments/support/fixtures.js"
import { checkoutServices, conversationAwaitingPayment, seedUser as seedStoredUser } from "./support/orderAwaitingPayment.js"

/** What the provider answers next, and every request it was asked. */
class Provider extends Context.Tag("test/CheckoutProvider")<
  Provider,
  {
    readonly answer: Ref.Ref<"ok" | "down" | "refuse">
    readonly requests: Ref.Ref<ReadonlyArray<CheckoutRequest>>
  }
>() {}

const hour = 3_600_000

/** A provider whose checkouts expire an hour after they are made (the test clock starts at 0). */
const provider = Layer.effectContext(
  Effect.gen(function* () {
    const control = {
      answer: yield* Ref.make<"ok" | "down" | "refuse">("ok"),
      requests: yield* Ref.make<ReadonlyArray<CheckoutRequest>>([])
    }
    const createCheckout = (request: CheckoutRequest): Effect.Effect<
      { url: string; providerReference: string; expiresAt: Option.Option<Date> },
      PaymentProviderError
    > =>
      Effect.gen(function* () {
        yield* Ref.update(control.requests, (all) => [...all, request])
        const answer = yield* Ref.get(control.answer)
        if (answer === "down") return yield* new PaymentProviderUnavailable({ reason: "503" })
        if (answer === "refuse") return yield* new PaymentRequestRefused({ reason: "Invalid API Key provided", code: "api_key_invalid" })
        const count = (yield* Ref.get(control.requests)).length
        return { url: `https://pay.example/cs_${count}`, providerReference: `cs_${count}`, expiresAt: Option.some(new Date(hour)) }
      })
    return Context.make(Provider, control).pipe(
      Context.add(PaymentProvider, {
        name: "test",
        createCheckout,
        expireCheckout: () => Effect.void,
        refund: () => Effect.succeed("re_1")
      })
    )
  })
)

const services = checkoutServices(provider)

const orderId = OrderId.make("order-worker-1")
const quoted = quote(pricing, "Standard", false)

const conversationWithOrder = conversationAwaitingPayment(orderId, quoted)

const seedUser = seedStoredUser("972501230002", "user-worker-1")

/** Runs the decision's commands as the conversation does, and hands back the checkout requests they wrote. */
const decided = (user: UserRecord, command: Command) =>
  Effect.gen(function* () {
    const db = yield* InMemoryDatabase
    const before = new Set(yield* db.run((t) => [...t.outbox.keys()]))
    yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(executeCommands(user, conversationWithOrder, [command], Option.none()))
    )
    const rows = yield* db.run((t) => [...t.outbox.values()].map((row) => row.event))
    return rows
      .filter((event) => !before.has(event.id) && event.eventType === "CheckoutRequestedEvent")
      .map((event): BrokerMessage => ({ id: event.id, key: event.key, eventType: event.eventType, body: event.body }))
  })

const placeOrder = Command.CreateOrder({ orderId, packId: PackId.make(260), packTitle: "Corporate", quote: quoted })
const payAgain = Command.RequestCheckout({ orderId, packTitle: "Corporate", quote: quoted })

const sent = Effect.flatMap(InMemoryDatabase, (db) => db.run((t) => [...t.outbound.values()].map((row) => row.intent.message)))
const links = Effect.map(sent, (messages) => messages.flatMap((message) => (message._tag === "LinkButton" ? [message.url] : [])))
const storedOrder = Effect.flatMap(Orders, (orders) => orders.get(orderId)).pipe(Effect.map(Option.getOrThrow))
const requests = Effect.flatMap(Provider, (control) => Ref.get(control.requests))
const answer = (next: "ok" | "down" | "refuse") => Effect.flatMap(Provider, (control) => Ref.set(control.answer, next))

describe("the checkout worker", () => {
  it.effect("makes the order's checkout at its quoted amount, stores the link and sends it, once however often delivered", () =>
    Effect.gen(function* () {
      const user = yield* seedUser
      const [request] = yield* decided(user, placeOrder)
      if (request === undefined) return expect.fail("no checkout request")
      yield* handleCheckoutRequested(request)
      yield* handleCheckoutRequested(request)
      const made = yield* requests
      expect(made.map((r) => [r.orderId, r.amountMinor, r.currency, r.idempotencyKey])).toEqual([
        [orderId, quoted.amount, quoted.currency, `checkout:${orderId}:${request.id}`]
      ])
      const order = yield* storedOrder
      expect([order.paymentLink, order.checkoutReference]).toEqual([Option.some("https://pay.example/cs_1"), Option.some("cs_1")])
      expect(yield* links).toEqual(["https://pay.example/cs_1"])
    }).pipe(Effect.provide(services)))

  it.effect("leaves the request to the broker's next delivery while the provider is down", () =>
    Effect.gen(function* () {
      const user = yield* seedUser
      const [request] = yield* decided(user, placeOrder)
      if (request === undefined) return expect.fail("no checkout request")
      yield* answer("down")
      const failed = yield* Effect.flip(handleCheckoutRequested(request))
      expect(failed._tag).toBe("RetryableFailure")
      expect((yield* storedOrder).paymentLink).toEqual(Option.none())
      expect(yield* sent).toEqual([])
      yield* answer("ok")
      yield* handleCheckoutRequested(request)
      // The same key both times: had the provider made the first one after all, it gives it back.
      expect(new Set((yield* requests).map((r) => r.idempotencyKey)).size).toBe(1)
      expect(yield* links).toHaveLength(1)
    }).pipe(Effect.provide(services)))

  it.effect("tells the person kindly and raises an attention item when the provider refuses", () =>
    Effect.gen(function* () {
      const user = yield* seedUser
      const [request] = yield* decided(user, placeOrder)
      if (request === undefined) return expect.fail("no checkout request")
      yield* answer("refuse")
      yield* handleCheckoutRequested(request)
      yield* handleCheckoutRequested(request)
      expect(yield* sent).toEqual([{ _tag: "Text", body: english.checkoutFailed }])
      const items = yield* Effect.flatMap(InMemoryDatabase, (db) => db.run((t) => [...t.attention.values()]))
      expect(items.map((item) => [item.reason, Option.getOrNull(item.orderId)])).toEqual([["CheckoutFailed", orderId]])
      expect((yield* storedOrder).status).toBe("AwaitingPayment")
    }).pipe(Effect.provide(services)))

  it.effect("asked to pay again, sends the open checkout again, and renews one that expired at the same amount", () =>
    Effect.gen(function* () {
      const user = yield* seedUser
      const [first] = yield* decided(user, placeOrder)
      if (first === undefined) return expect.fail("no checkout request")
      yield* handleCheckoutRequested(first)
      const [again] = yield* decided(user, payAgain)
      if (again === undefined) return expect.fail("no checkout request")
      yield* handleCheckoutRequested(again)
      expect(yield* links).toEqual(["https://pay.example/cs_1", "https://pay.example/cs_1"])
      expect(yield* requests).toHaveLength(1)

      // An hour on, the first checkout has expired.
      yield* Effect.flatMap(Orders, (orders) =>
        orders.attachCheckout(orderId, { url: "https://pay.example/cs_1", providerReference: "cs_1", expiresAt: Option.some(new Date(0)) })
      )
      const [renewal] = yield* decided(user, payAgain)
      if (renewal === undefined) return expect.fail("no checkout request")
      yield* handleCheckoutRequested(renewal)
      const made = yield* requests
      expect(made.map((r) => [r.amountMinor, r.idempotencyKey])).toEqual([
        [quoted.amount, `checkout:${orderId}:${first.id}`],
        [quoted.amount, `checkout:${orderId}:${renewal.id}`]
      ])
      expect((yield* links).at(-1)).toBe("https://pay.example/cs_2")
      expect((yield* storedOrder).checkoutReference).toEqual(Option.some("cs_2"))
    }).pipe(Effect.provide(services)))

  it.effect("makes no checkout for an order paid before the request was handled", () =>
    Effect.gen(function* () {
      const user = yield* seedUser
      const [request] = yield* decided(user, placeOrder)
      if (request === undefined) return expect.fail("no checkout request")
      yield* Effect.flatMap(Orders, (orders) => orders.markPaid(orderId, new Date(0)))
      yield* handleCheckoutRequested(request)
      expect(yield* requests).toEqual([])
      expect(yield* sent).toEqual([])
    }).pipe(Effect.provide(services)))
})
