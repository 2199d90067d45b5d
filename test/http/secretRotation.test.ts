import { describe, expect, it, layer } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Logger, LogLevel } from "effect"
import Stripe from "stripe"
import { InMemoryWhatsAppLive } from "../../adapters/memory/InMemoryMessenger.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { PaymentWebhookSettings } from "../../adapters/payments/PaymentWebhookSettings.js"
import { signBody } from "../../adapters/whatsapp-cloud/verifySignature.js"
import { receiveWhatsAppWebhook } from "../../adapters/whatsapp-webhook/receiveWhatsAppWebhook.js"
import { ApplicationServicesLive } from "../../runtimes/composition/ApplicationServices.js"
import { RealParts } from "../../runtimes/composition/RealParts.js"
import { planStart } from "../../runtimes/composition/StartPlan.js"
import { HarnessBot, harnessBot } from "../../testing/HarnessBot.js"
import { stripeEventBody } from "../payments/support/bodies.js"
import { seedOrder, seedUser } from "../payments/support/memoryStore.js"
import { webhookServerWith, webhookUrl } from "../payments/support/webhookServer.js"
import { textMessageWebhook } from "../support/textMessageWebhook.js"

const withSettings = (settings: Readonly<Record<string, string>>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings))))

/** Development with real WhatsApp credentials: the other parts named as fakes. */
const whatsappSettings = {
  WHATSAPP_API_KEY: "EAAG-token",
  WHATSAPP_NUMBER_ID: "106540352242922",
  WHATSAPP_APP_SECRET: "new-app-secret",
  WHATSAPP_VERIFY_TOKEN: "verify-token",
  FAKES: "astria,payments"
}

/** The webhook's answer through the one wiring of the real WhatsApp part, planned from `settings`. */
const webhookAnswer = (settings: Readonly<Record<string, string>>, signedWith: string) =>
  Effect.gen(function* () {
    const plan = yield* planStart({ runtime: "standalone" }).pipe(withSettings(settings), Effect.orDie)
    if (plan.whatsapp._tag !== "Real") return yield* Effect.die("WhatsApp planned as a fake")
    const body = JSON.stringify(textMessageWebhook(`wamid.${globalThis.crypto.randomUUID()}`, "hi", "16505550123"))
    return yield* receiveWhatsAppWebhook(new TextEncoder().encode(body), signBody(signedWith, body)).pipe(
      Effect.map(() => "accepted"),
      Effect.catchAll((error) => Effect.succeed(error._tag)),
      Effect.provide(
        Layer.mergeAll(RealParts.whatsapp(plan.whatsapp.settings), ApplicationServicesLive).pipe(
          Layer.provideMerge(Layer.merge(InMemoryStorage, InMemoryWhatsAppLive))
        )
      )
    )
  })

describe("rotating the WhatsApp app secret", () => {
  it.effect("takes webhooks signed with the previous secret while WHATSAPP_APP_SECRET_PREVIOUS is set", () =>
    Effect.gen(function* () {
      const rotating = { ...whatsappSettings, WHATSAPP_APP_SECRET_PREVIOUS: "old-app-secret" }
      expect(yield* webhookAnswer(rotating, "new-app-secret")).toBe("accepted")
      expect(yield* webhookAnswer(rotating, "old-app-secret")).toBe("accepted")
      expect(yield* webhookAnswer(rotating, "some-other-secret")).toBe("Unauthenticated")
    }))

  it.effect("refuses the previous secret once the setting is removed (or left empty)", () =>
    Effect.gen(function* () {
      expect(yield* webhookAnswer(whatsappSettings, "new-app-secret")).toBe("accepted")
      expect(yield* webhookAnswer(whatsappSettings, "old-app-secret")).toBe("Unauthenticated")
      expect(yield* webhookAnswer({ ...whatsappSettings, WHATSAPP_APP_SECRET_PREVIOUS: " " }, "old-app-secret")).toBe(
        "Unauthenticated"
      )
    }))
})

/** A POST to the operator's endpoint over the bot's real socket, with `token` as the bearer; answers the status. */
const updateImages = (token: string) =>
  Effect.flatMap(HarnessBot, ({ baseUrl }) =>
    Effect.promise(() =>
      fetch(`${baseUrl}/update-images`, { method: "POST", headers: { authorization: `Bearer ${token}` } }).then(
        (response) => response.status
      )
    )
  )

describe("rotating the admin token", () => {
  layer(harnessBot({ storage: InMemoryStorage, settings: { ADMIN_TOKEN: "new-token", ADMIN_TOKEN_PREVIOUS: "old-token" } }), {
    timeout: 60_000,
    excludeTestServices: true
  })("while ADMIN_TOKEN_PREVIOUS is set", (it) => {
    it.effect("takes the new token and the previous one, and no other", () =>
      Effect.gen(function* () {
        expect(yield* updateImages("new-token")).toBe(202)
        expect(yield* updateImages("old-token")).toBe(202)
        expect(yield* updateImages("other-token")).toBe(401)
      }))
  })

  layer(harnessBot({ storage: InMemoryStorage, settings: { ADMIN_TOKEN: "new-token" } }), {
    timeout: 60_000,
    excludeTestServices: true
  })("once ADMIN_TOKEN_PREVIOUS is removed", (it) => {
    it.effect("refuses the previous token", () =>
      Effect.gen(function* () {
        expect(yield* updateImages("old-token")).toBe(401)
        expect(yield* updateImages("new-token")).toBe(202)
      }))
  })

  layer(harnessBot({ storage: InMemoryStorage, settings: { ADMIN_TOKEN_PREVIOUS: "old-token" } }), {
    timeout: 60_000,
    excludeTestServices: true
  })("with only a previous token", (it) => {
    it.effect("keeps the operator endpoints off", () =>
      Effect.gen(function* () {
        expect(yield* updateImages("old-token")).toBe(503)
      }))
  })
})

/** Development with a real Stripe: the other parts named as fakes. */
const stripeSettings = {
  PAYMENT_PROVIDER: "stripe",
  STRIPE_SECRET_KEY: "sk_test_rotation",
  STRIPE_WEBHOOK_SECRET: "whsec_new",
  WHATSAPP_DISPLAY_NUMBER: "15550783881",
  FAKES: "whatsapp,astria"
}

/** Development with fixed-price links signed by our own secret. */
const linkSettings = {
  PAYMENT_PROVIDER: "links",
  PAYMENT_LINK_TEMPLATE: "https://pay.example/checkout?order={order}",
  PAYMENT_WEBHOOK_SECRET: "new-payment-secret",
  FAKES: "whatsapp,astria"
}

/**
 * The status of a Stripe `checkout.session.completed` for a new order, signed by Stripe's own
 * library with `signedWith`, posted over a real socket to the webhook with the payment settings
 * the one wiring builds from `settings`.
 */
const paymentWebhookStatus = (settings: Readonly<Record<string, string>>, signedWith: string) =>
  Effect.gen(function* () {
    const plan = yield* planStart({ runtime: "standalone" }).pipe(withSettings(settings), Effect.orDie)
    if (plan.payments._tag !== "Real") return yield* Effect.die("payments planned as a fake")
    const webhookSettings = yield* Effect.provide(PaymentWebhookSettings, RealParts.payments(plan.payments.settings, plan.mode))
    return yield* Effect.gen(function* () {
      const order = yield* seedOrder({ userId: (yield* seedUser()).id })
      const body = JSON.stringify(stripeEventBody({ id: `evt_${globalThis.crypto.randomUUID()}`, orderId: order.id }))
      const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: signedWith })
      const url = yield* webhookUrl
      return yield* Effect.promise(() =>
        fetch(url, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": header }, body }).then(
          (response) => response.status
        )
      )
    }).pipe(Effect.provide(webhookServerWith(webhookSettings)))
  }).pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.None))

describe("rotating the payment webhook secret", () => {
  it.live("takes Stripe's webhooks signed with the previous signing secret while STRIPE_WEBHOOK_SECRET_PREVIOUS is set", () =>
    Effect.gen(function* () {
      const rotating = { ...stripeSettings, STRIPE_WEBHOOK_SECRET_PREVIOUS: "whsec_old" }
      expect(yield* paymentWebhookStatus(rotating, "whsec_new")).toBe(200)
      expect(yield* paymentWebhookStatus(rotating, "whsec_old")).toBe(200)
      expect(yield* paymentWebhookStatus(rotating, "whsec_other")).toBe(401)
    }))

  it.live("refuses the previous signing secret once the setting is removed (or left empty)", () =>
    Effect.gen(function* () {
      expect(yield* paymentWebhookStatus(stripeSettings, "whsec_new")).toBe(200)
      expect(yield* paymentWebhookStatus(stripeSettings, "whsec_old")).toBe(401)
      expect(yield* paymentWebhookStatus({ ...stripeSettings, STRIPE_WEBHOOK_SECRET_PREVIOUS: " " }, "whsec_old")).toBe(401)
    }))

  it.live("takes webhooks signed with the previous PAYMENT_WEBHOOK_SECRET while PAYMENT_WEBHOOK_SECRET_PREVIOUS is set", () =>
    Effect.gen(function* () {
      const rotating = { ...linkSettings, PAYMENT_WEBHOOK_SECRET_PREVIOUS: "old-payment-secret" }
      expect(yield* paymentWebhookStatus(rotating, "new-payment-secret")).toBe(200)
      expect(yield* paymentWebhookStatus(rotating, "old-payment-secret")).toBe(200)
      expect(yield* paymentWebhookStatus(linkSettings, "old-payment-secret")).toBe(401)
    }))
})
