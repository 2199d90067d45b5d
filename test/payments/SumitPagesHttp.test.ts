import { FetchHttpClient, type HttpServer } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, LogLevel, Option, Redacted } from "effect"
import { make as makeSumit } from "../../adapters/payments/SumitCheckout.js"
import { SumitPagesProvider } from "../../adapters/payments/SumitPagesProvider.js"
import { PaymentProvider } from "../../application/ports/PaymentProvider.js"
import { legacyPaymentRecord } from "../../application/legacy/importLegacy.js"
import { PaymentRecords } from "../../application/ports/PaymentRecords.js"
import { Users } from "../../application/ports/Users.js"
import { UserId } from "../../domain/ids.js"
import { CurrencyCode, MinorUnits } from "../../domain/pricing/Money.js"
import type { PricingSettings } from "../../domain/pricing/Tier.js"
import { makeFakeSumit, type FakeSumitHandle } from "../../testing/fakes/payments/sumit/FakeSumit.js"
import { secret, unique } from "./support/fixtures.js"
import { attentionItems, orderStatus, outboxEvents, paymentById, payments, seedOrder, type MemoryStore } from "./support/memoryStore.js"
import { sumitSettingsFor } from "./support/sumitOverFake.js"
import { sumitNotificationUrl, webhookServerWith, webhookUrl } from "./support/webhookServer.js"

/**
 * `PAYMENT_PROVIDER=sumit-pages`: the original bot's fixed SUMIT pages, whose trigger posts to the
 * route the original used (`/payment-received`). The trigger only names a payment: the phone and
 * the amount are `payments/get`'s, and each payment id takes effect once.
 */
const withPages = <A, E>(test: (fake: FakeSumitHandle) => Effect.Effect<A, E, MemoryStore | HttpServer.HttpServer>) =>
  Effect.gen(function* () {
    const fake = yield* makeFakeSumit()
    const { payments: sumit } = yield* makeSumit(sumitSettingsFor(fake, "http://unused.invalid/")).pipe(Effect.provide(FetchHttpClient.layer))
    return yield* Effect.gen(function* () {
      yield* fake.setTriggerUrl(yield* webhookUrl)
      return yield* test(fake)
    }).pipe(Effect.provide(webhookServerWith({ secret: Redacted.make(secret), sumitPages: sumit })))
  }).pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.None))

let sequence = 0
/** A person known by their WhatsApp number (digits with the country code, as Meta gives it). */
const person = (waId = `97250${String(1_000_000 + (sequence += 1)).padStart(7, "0")}`) =>
  Effect.flatMap(Users, (users) =>
    users.resolve({ waId: Option.some(waId), bsuid: Option.none(), profileName: Option.none() }, UserId.make(unique("user")), new Date(0))
  ).pipe(Effect.orDie, Effect.map(({ user }) => ({ user, waId })))

/** The Standard tier's fixed page at 39.90 ILS, and an order of the person awaiting that price. */
const standardOrder = (fake: FakeSumitHandle, waId?: string) =>
  Effect.gen(function* () {
    const { user, waId: number } = yield* person(waId)
    const order = yield* seedOrder({ userId: user.id, amountMinor: 3990, currency: "ILS", tier: "Standard" })
    const pageUrl = yield* fake.addFixedPage("Standard", 39.9)
    const page = yield* fake.pageOfUrl(pageUrl)
    return { user, waId: number, order, pageId: page?.id ?? "missing" }
  })

describe("PAYMENT_PROVIDER=sumit-pages: the original bot's trigger at POST /payment-received", () => {
  it.effect("pays the person's open order once, matched by payments/get's phone and amount; a replay changes nothing", () =>
    withPages((fake) =>
      Effect.gen(function* () {
        const { order, pageId, waId } = yield* standardOrder(fake)
        const paymentId = yield* fake.pay(pageId, { phone: waId })
        const [delivery] = yield* fake.notifications
        expect(delivery?.status).toBe(200)
        expect(yield* fake.lookups).toBe(1)
        expect(yield* paymentById(`sumit-${paymentId}`)).toMatchObject({ orderId: order.id, amountMinor: 3990, currency: "ILS", outcome: "accepted" })
        expect(yield* orderStatus(order.id)).toBe("Paid")
        expect(yield* outboxEvents).toHaveLength(1)
        const again = yield* fake.post(delivery?.url ?? "", delivery?.body ?? "", delivery?.contentType ?? "")
        expect(again.status).toBe(200)
        expect(yield* outboxEvents).toHaveLength(1)
        expect(yield* payments).toHaveLength(1)
      })
    ))

  it.effect("the same trigger posted five times at once trains once", () =>
    withPages((fake) =>
      Effect.gen(function* () {
        const { pageId, waId } = yield* standardOrder(fake)
        const paymentId = yield* fake.pay(pageId, { phone: waId })
        const url = yield* webhookUrl
        const replays = yield* Effect.all(
          Array.from({ length: 5 }, () => fake.sendTrigger(url, { id: Number(paymentId), phone: waId })),
          { concurrency: "unbounded" }
        )
        expect(replays.map((replay) => replay.status)).toEqual([200, 200, 200, 200, 200])
        expect(yield* outboxEvents).toHaveLength(1)
        expect(yield* payments).toHaveLength(1)
      })
    ))

  it.effect("the phone is payments/get's, never the trigger's: the order of the person SUMIT names is paid, in any format of their number", () =>
    withPages((fake) =>
      Effect.gen(function* () {
        const claimed = yield* standardOrder(fake)
        const payer = yield* standardOrder(fake, "972541234567")
        yield* fake.setTriggerUrl("http://127.0.0.1:1/nowhere")
        const paymentId = yield* fake.pay(claimed.pageId, { phone: claimed.waId })
        // SUMIT's record of the payment holds another number, typed as people in Israel write it.
        yield* fake.alterPayment(paymentId, { phone: "054-123-4567" })
        const status = yield* fake.sendTrigger(yield* webhookUrl, { id: Number(paymentId), phone: claimed.waId })
        expect(status.status).toBe(200)
        expect(yield* orderStatus(payer.order.id)).toBe("Paid")
        expect(yield* orderStatus(claimed.order.id)).toBe("AwaitingPayment")
        expect(yield* outboxEvents).toHaveLength(1)
      })
    ))

  it.effect("an amount other than the order's quote is an attention item, never trained, and its replay raises no second one", () =>
    withPages((fake) =>
      Effect.gen(function* () {
        const { order, pageId, waId } = yield* standardOrder(fake)
        yield* fake.setTriggerUrl("http://127.0.0.1:1/nowhere")
        const paymentId = yield* fake.pay(pageId, { phone: waId })
        yield* fake.alterPayment(paymentId, { amount: 29.9 })
        const url = yield* webhookUrl
        expect((yield* fake.sendTrigger(url, { id: Number(paymentId), phone: waId })).status).toBe(200)
        expect((yield* fake.sendTrigger(url, { id: Number(paymentId), phone: waId })).status).toBe(200)
        expect(yield* outboxEvents).toHaveLength(0)
        expect(yield* orderStatus(order.id)).toBe("AwaitingPayment")
        const items = yield* attentionItems
        expect(items.map((item) => [item.reason, Option.getOrNull(item.orderId)])).toEqual([["PaymentMismatch", order.id]])
        expect(items[0]?.detail).not.toContain(waId)
        expect((yield* paymentById(`sumit-${paymentId}`))?.outcome).toBe("unmatched")
      })
    ))

  it.effect("a payment whose phone names nobody with an open order is an attention item, never trained", () =>
    withPages((fake) =>
      Effect.gen(function* () {
        const { order, pageId, waId } = yield* standardOrder(fake)
        yield* fake.setTriggerUrl("http://127.0.0.1:1/nowhere")
        const paymentId = yield* fake.pay(pageId, { phone: waId })
        yield* fake.alterPayment(paymentId, { phone: "+1 555 000 1111" })
        const url = yield* webhookUrl
        expect((yield* fake.sendTrigger(url, { id: Number(paymentId) })).status).toBe(200)
        expect(yield* outboxEvents).toHaveLength(0)
        expect(yield* orderStatus(order.id)).toBe("AwaitingPayment")
        expect((yield* attentionItems).map((item) => item.reason)).toEqual(["UnknownOrderPaid"])
      })
    ))

  // Live clock: the adapter's retries of SUMIT's 500s wait real (short) backoffs.
  it.live("a payment SUMIT does not know is refused and changes nothing; SUMIT unreachable answers 503 and its retry is taken", () =>
    withPages((fake) =>
      Effect.gen(function* () {
        const { order, pageId, waId } = yield* standardOrder(fake)
        const url = yield* webhookUrl
        expect((yield* fake.sendTrigger(url, { id: 777, phone: waId })).status).toBe(401)
        expect(yield* payments).toHaveLength(0)
        yield* fake.setTriggerUrl("http://127.0.0.1:1/nowhere")
        const paymentId = yield* fake.pay(pageId, { phone: waId })
        yield* fake.failNext("server_error", 3)
        expect((yield* fake.sendTrigger(url, { id: Number(paymentId), phone: waId })).status).toBe(503)
        expect(yield* payments).toHaveLength(0)
        expect((yield* fake.sendTrigger(url, { id: Number(paymentId), phone: waId })).status).toBe(200)
        expect(yield* orderStatus(order.id)).toBe("Paid")
      })
    ))

  it.effect("a declined payment is recorded as not paid and starts nothing", () =>
    withPages((fake) =>
      Effect.gen(function* () {
        const { order, pageId, waId } = yield* standardOrder(fake)
        yield* fake.declineNext
        const paymentId = yield* fake.pay(pageId, { phone: waId })
        expect((yield* paymentById(`sumit-${paymentId}`))?.outcome).toBe("not_paid")
        expect(yield* orderStatus(order.id)).toBe("AwaitingPayment")
        expect(yield* attentionItems).toHaveLength(0)
      })
    ))

  it.effect("the trigger is taken at /payment-received/sumit too", () =>
    withPages((fake) =>
      Effect.gen(function* () {
        const { order, pageId, waId } = yield* standardOrder(fake)
        yield* fake.setTriggerUrl(yield* sumitNotificationUrl)
        yield* fake.pay(pageId, { phone: waId })
        expect(yield* orderStatus(order.id)).toBe("Paid")
      })
    ))

  it.effect("journey: the order's checkout is its tier's fixed page; paying there, with the person's number, pays the order", () =>
    withPages((fake) =>
      Effect.gen(function* () {
        const pricing: PricingSettings = {
          currency: CurrencyCode.make("ILS"),
          tiers: {
            Lite: { imageCount: 12, price: MinorUnits.make(1990) },
            Standard: { imageCount: 24, price: MinorUnits.make(3990) },
            Premium: { imageCount: 40, price: MinorUnits.make(5990) }
          },
          returningDiscountPercent: 0
        }
        const full = { Lite: yield* fake.addFixedPage("Lite", 19.9), Standard: yield* fake.addFixedPage("Standard", 39.9), Premium: yield* fake.addFixedPage("Premium", 59.9) }
        const { user, waId } = yield* person()
        const order = yield* seedOrder({ userId: user.id, amountMinor: 3990, currency: "ILS", tier: "Standard" })
        const checkout = yield* Effect.flatMap(PaymentProvider, (provider) =>
          provider.createCheckout({ orderId: order.id, amountMinor: 3990, currency: "ILS", tier: "Standard", description: "Headshots (Standard)" })
        ).pipe(Effect.provide(SumitPagesProvider.layer({ full, returning: undefined }, pricing)))
        expect(checkout.url).toBe(full.Standard)
        const page = yield* fake.pageOfUrl(checkout.url)
        yield* fake.pay(page?.id ?? "missing", { phone: `+${waId}` })
        expect(yield* orderStatus(order.id)).toBe("Paid")
        expect(yield* outboxEvents).toHaveLength(1)
      })
    ))

  it.effect("a late trigger of a payment the original bot handled (kept by import-legacy) changes nothing", () =>
    withPages((fake) =>
      Effect.gen(function* () {
        const { order, pageId, waId } = yield* standardOrder(fake)
        yield* fake.setTriggerUrl("http://127.0.0.1:1/nowhere")
        const paymentId = yield* fake.pay(pageId, { phone: waId })
        // As import-legacy keeps the original's handled payments.
        yield* Effect.flatMap(PaymentRecords, (records) => records.recordIfNew(legacyPaymentRecord(paymentId, new Date(0), new Date(0)))).pipe(
          Effect.orDie
        )
        const delivery = yield* fake.sendTrigger(yield* webhookUrl, { id: Number(paymentId), phone: waId })
        expect(delivery.status).toBe(200)
        expect(yield* orderStatus(order.id)).toBe("AwaitingPayment")
        expect(yield* outboxEvents).toHaveLength(0)
        expect(yield* attentionItems).toHaveLength(0)
      })
    ))
})
