import { FetchHttpClient } from "@effect/platform"
import { Duration, Effect, Layer, Redacted } from "effect"
import { PaymentWebhookSettings } from "../../../adapters/payments/PaymentWebhookSettings.js"
import { defaultStripeTimings, StripeCheckout } from "../../../adapters/payments/StripeCheckout.js"
import { ownBaseUrl } from "../../../runtimes/composition/BotLayer.js"
import { FakeStripe } from "../../../testing/fakes/payments/stripe/FakeStripe.js"
import { HarnessCheckout } from "../../../testing/HarnessCheckout.js"
import { chatUrl } from "./stripeOverFake.js"

/**
 * The harness's payments through the real Stripe adapter over the fake Stripe: a Checkout Session
 * per order, paid on the fake's hosted page, whose webhooks (signed with Stripe's own library)
 * reach the bot's server. Here, not in testing/: the fake needs the `stripe` devDependency.
 */
export const stripeInHarness = Layer.unwrapEffect(
  Effect.map(FakeStripe, (stripe) =>
    Layer.mergeAll(
      StripeCheckout.layer({ ...defaultStripeTimings, retryBaseDelay: Duration.millis(20), secretKey: Redacted.make(stripe.secretKey), apiBase: stripe.baseUrl, chatUrl }).pipe(
        Layer.provide(FetchHttpClient.layer)
      ),
      Layer.succeed(PaymentWebhookSettings, { secret: Redacted.make(stripe.webhookSecret) }),
      Layer.succeed(HarnessCheckout, {
        pay: (link) => {
          const session = /\/c\/pay\/([^/?]+)/.exec(new URL(link).pathname)?.[1]
          return session === undefined ? Effect.fail(`not a Stripe checkout: ${link}`) : Effect.asVoid(stripe.pay(session))
        },
        deliveries: Effect.map(stripe.deliveries, (all) => all.length)
      })
    )
  )
).pipe(
  Layer.merge(
    Layer.effectDiscard(
      Effect.flatMap(ownBaseUrl, (baseUrl) => Effect.flatMap(FakeStripe, (stripe) => stripe.setWebhookUrl(`${baseUrl}/payment-received`)))
    )
  ),
  Layer.provideMerge(FakeStripe.layer())
)
