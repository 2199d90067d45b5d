import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import * as InMemoryAstria from "../../adapters/memory/InMemoryAstria.js"
import { Orders } from "../../application/ports/Orders.js"
import { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import { PaymentRecords } from "../../application/ports/PaymentRecords.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { OrderId } from "../../domain/ids.js"
import { BotDriver, type DriverUser } from "../../testing/BotDriver.js"
import { FakeStripe } from "../../testing/fakes/payments/stripe/FakeStripe.js"
import { harnessBotOver } from "../../testing/HarnessBot.js"
import { inMemoryCliEnvironment } from "../cli/support/previewsEnvironment.js"
import { runCli } from "../cli/support/runCli.js"
import { stripeInHarness } from "../payments/support/stripeHarness.js"
import { after, englishWords, next, toPaymentLink } from "./steps.js"

/**
 * An order's money through the whole bot with the real Stripe adapter over the fake Stripe: the
 * checkout worker makes the Checkout Session, the person pays on the fake's hosted page, and
 * Stripe's webhooks, signed with Stripe's own library, reach the bot. Pay, underpay, pay twice at
 * once, expire and renew from the chat, refund from the command line, dispute.
 */
const bot = BotDriver.layer.pipe(
  Layer.provideMerge(harnessBotOver({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3" } }, stripeInHarness))
)

const sessionOf = (link: string): string => /\/c\/pay\/([^/?]+)/.exec(new URL(link).pathname)?.[1] ?? ""

/** A person who agreed to the terms: their order, its Stripe session and how much they have seen. */
const ordered = (waId: string) =>
  Effect.gen(function* () {
    const driver = yield* BotDriver
    const person = yield* driver.user({ waId })
    yield* person.says("hello")
    const { seen, link } = yield* toPaymentLink(person, englishWords)
    const session = yield* Effect.flatMap(FakeStripe, (stripe) => stripe.session(sessionOf(link)))
    if (session === undefined) return yield* Effect.dieMessage(`no session behind ${link}`)
    return { person, seen, link, session, orderId: OrderId.make(session.clientReferenceId ?? "") }
  })

const statusOf = (orderId: OrderId) =>
  Effect.flatMap(Orders, (orders) => orders.get(orderId)).pipe(Effect.map(Option.map((order) => order.status)))

const outcomesOf = (orderId: OrderId) =>
  Effect.flatMap(PaymentRecords, (records) => records.forOrder(orderId)).pipe(Effect.map((all) => all.map((p) => p.outcome)))

const texts = (person: DriverUser, from: number, pattern: RegExp) =>
  Effect.map(person.seen, (seen) => after(seen, from).filter((m) => pattern.test(m.text)).length)

/** The operator's command line on the bot's storage, refunding through the bot's own provider. */
const cli = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const storage = yield* Effect.context<StoragePorts>()
    const provider = yield* PaymentProvider
    const environment = inMemoryCliEnvironment(Layer.succeedContext(storage), InMemoryAstria.layer(), Layer.succeed(PaymentProvider, provider))
    return yield* Effect.promise(() => runCli(environment, args))
  })

describe("an order's money through the bot and Stripe", () => {
  layer(bot, { timeout: 180_000, excludeTestServices: true })("the Stripe adapter over the fake Stripe", (it) => {
    it.effect("pay: a session at the quoted amount, named by the order; paying it starts the training", () =>
      Effect.gen(function* () {
        const { person, seen, session, orderId } = yield* ordered("972502220001")
        expect([session.amountMinor, session.currency, session.clientReferenceId]).toEqual([990, "usd", orderId])
        yield* person.paysLatestLink
        yield* next(person, seen, "the training ETA", (m) => englishWords.eta.test(m.text), 15_000)
        expect(yield* statusOf(orderId)).toEqual(Option.some("Training"))
        expect(yield* outcomesOf(orderId)).toEqual(["accepted"])
      }))

    it.effect("underpay: a session for less than the quote holds the order, and the person is told", () =>
      Effect.gen(function* () {
        const { person, seen, orderId } = yield* ordered("972502220002")
        const cheaper = yield* Effect.flatMap(PaymentProvider, (provider) =>
          provider.createCheckout({ orderId, amountMinor: 500, currency: "USD", tier: "Lite", description: "tampered" })
        )
        yield* Effect.flatMap(FakeStripe, (stripe) => stripe.pay(cheaper.providerReference))
        yield* next(person, seen, "the mismatch notice", (m) => /didn't match/.test(m.text), 15_000)
        expect(yield* statusOf(orderId)).toEqual(Option.some("NeedsAttention"))
        expect(yield* outcomesOf(orderId)).toEqual(["underpaid"])
      }))

    it.effect("pay twice at once: one payment pays the order; the other is kept for review, never a plain acceptance", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const { person, seen, session, orderId } = yield* ordered("972502220003")
        const second = yield* Effect.flatMap(PaymentProvider, (provider) =>
          provider.createCheckout({ orderId, amountMinor: 990, currency: "USD", tier: "Lite", description: "second tab" })
        )
        const stripe = yield* FakeStripe
        yield* Effect.all([stripe.pay(session.id), stripe.pay(second.providerReference)], { concurrency: 2 })
        yield* next(person, seen, "the training ETA", (m) => englishWords.eta.test(m.text), 15_000)
        yield* driver.quiescent({ timeoutMillis: 30_000 })
        expect((yield* outcomesOf(orderId)).toSorted()).toEqual(["accepted", "not_awaiting_payment"])
        expect(yield* texts(person, seen, englishWords.paid)).toBe(1)
        const review = yield* cli(["payments", "review", "--json"])
        expect(review.stdout).toContain("not_awaiting_payment")
      }))

    it.effect("expire and renew: after Stripe expires the session, 'pay' brings a new one at the same price, which pays", () =>
      Effect.gen(function* () {
        const { person, seen, session, orderId } = yield* ordered("972502220004")
        const stripe = yield* FakeStripe
        yield* stripe.expire(session.id)
        expect((yield* stripe.deliveries).at(-1)?.type).toBe("checkout.session.expired")
        yield* person.says("pay")
        const renewed = yield* next(person, seen, "a new payment link", (m) => m.kind === "LinkButton" && m.url !== undefined && !m.url.includes(session.id), 15_000)
        const link = after(renewed, seen).findLast((m) => m.kind === "LinkButton")?.url ?? ""
        const fresh = yield* stripe.session(sessionOf(link))
        expect([fresh?.amountMinor, fresh?.clientReferenceId, fresh?.status]).toEqual([990, orderId, "open"])
        expect(yield* Effect.either(stripe.pay(session.id))).toMatchObject({ _tag: "Left" })
        const mark = renewed.length
        yield* person.paysLatestLink
        yield* next(person, mark, "the training ETA", (m) => englishWords.eta.test(m.text), 15_000)
        expect(yield* statusOf(orderId)).toEqual(Option.some("Training"))
      }))

    it.effect("refund: the command line refunds an order that needs attention through Stripe; payments review lists it", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const { person, seen, orderId } = yield* ordered("972502220005")
        const cheaper = yield* Effect.flatMap(PaymentProvider, (provider) =>
          provider.createCheckout({ orderId, amountMinor: 500, currency: "USD", tier: "Lite", description: "tampered" })
        )
        const stripe = yield* FakeStripe
        const intent = yield* stripe.pay(cheaper.providerReference)
        yield* next(person, seen, "the mismatch notice", (m) => /didn't match/.test(m.text), 15_000)

        expect((yield* cli(["payments", "refund", orderId])).exitCode).toBe(1)
        expect((yield* stripe.intent(intent))?.refundedMinor).toBe(0)
        const refunded = yield* cli(["payments", "refund", orderId, "--yes"])
        expect(refunded).toMatchObject({ exitCode: 0, stdout: expect.stringContaining("Refund re_") })
        expect((yield* stripe.intent(intent))?.refundedMinor).toBe(500)
        yield* driver.quiescent({ timeoutMillis: 30_000 })
        // The request (recorded by the command) and Stripe's report of it (by the webhook), in either order.
        expect((yield* outcomesOf(orderId)).toSorted()).toEqual(["refund_requested", "refunded", "underpaid"])
        const review = yield* cli(["payments", "review"])
        expect(review.stdout).toContain("refund_requested")
        expect(review.stdout).toContain("refunded")
        // Nothing left to refund.
        expect((yield* cli(["payments", "refund", orderId, "--yes"])).exitCode).toBe(1)
      }))

    it.effect("dispute: the card holder's dispute marks the paid order Disputed, listed for review", () =>
      Effect.gen(function* () {
        const { person, seen, orderId } = yield* ordered("972502220006")
        yield* person.paysLatestLink
        yield* next(person, seen, "the training ETA", (m) => englishWords.eta.test(m.text), 15_000)
        const stripe = yield* FakeStripe
        const [paid] = yield* Effect.flatMap(PaymentRecords, (records) => records.forOrder(orderId))
        const money = Option.getOrElse(paid?.providerPaymentId ?? Option.none(), () => "no payment recorded")
        yield* stripe.dispute(money)
        expect((yield* stripe.deliveries).at(-1)).toMatchObject({ type: "charge.dispute.created", status: 200 })
        expect(yield* statusOf(orderId)).toEqual(Option.some("Disputed"))
        expect(yield* outcomesOf(orderId)).toEqual(["accepted", "disputed"])
        expect((yield* cli(["payments", "review"])).stdout).toContain("disputed")
      }))
  })
})
