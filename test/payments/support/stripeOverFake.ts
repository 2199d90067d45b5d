import { FetchHttpClient } from "@effect/platform"
import { Duration, Effect, Layer, Redacted } from "effect"
import { StripeCheckout, type StripeCheckoutSettings } from "../../../adapters/payments/StripeCheckout.js"
import type { PaymentProvider } from "../../../application/ports/PaymentProvider.js"
import type { OrderId } from "../../../domain/ids.js"
import { FakeStripe, type FakeStripeHandle } from "../../../testing/fakes/payments/stripe/FakeStripe.js"
import { PaymentProbe } from "../../../testing/port-suites/PaymentProviderSuite.js"

export const chatUrl = "https://wa.me/15550783881"

export const stripeSettingsFor = (fake: Pick<FakeStripeHandle, "baseUrl" | "secretKey">, overrides: Partial<StripeCheckoutSettings> = {}): StripeCheckoutSettings => ({
  secretKey: Redacted.make(fake.secretKey),
  apiBase: fake.baseUrl,
  chatUrl,
  sessionLifetime: Duration.hours(1),
  requestTimeout: Duration.seconds(5),
  maxRetries: 2,
  retryBaseDelay: Duration.millis(10),
  ...overrides
})

export const stripeRequest = (orderId: OrderId, amountMinor = 1290, currency = "USD") => ({
  orderId,
  amountMinor,
  currency,
  tier: "Standard",
  description: "Corporate headshots (Standard)"
})

/** The Stripe adapter over a fake Stripe, with the probe the contract suite reads it through. */
export const stripeOverFake = (overrides: Partial<StripeCheckoutSettings> = {}): Layer.Layer<PaymentProvider | PaymentProbe | FakeStripe> =>
  Layer.unwrapEffect(
    Effect.map(FakeStripe, (fake) =>
      Layer.merge(
        StripeCheckout.layer(stripeSettingsFor(fake, overrides)).pipe(Layer.provide(FetchHttpClient.layer)),
        Layer.succeed(PaymentProbe, {
          priceable: (orderId) => stripeRequest(orderId),
          // Stripe's minimum charge is 50 cents.
          unpriceable: (orderId) => stripeRequest(orderId, 10),
          charges: (checkout) =>
            Effect.flatMap(fake.session(checkout.providerReference), (session) =>
              session === undefined
                ? Effect.fail(`no session ${checkout.providerReference}`)
                : Effect.succeed({ amountMinor: session.amountMinor, currency: session.currency.toUpperCase(), orderId: session.clientReferenceId ?? "" })
            ),
          pay: (checkout) => fake.pay(checkout.providerReference),
          expires: true,
          refunds: true,
          idempotent: true
        })
      )
    )
  ).pipe(Layer.provideMerge(FakeStripe.layer()))
