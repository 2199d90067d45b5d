import { HttpClient, HttpClientRequest } from "@effect/platform"
import { randomUUID } from "node:crypto"
import { Clock, Duration, Effect, Layer, Option, Redacted, Schedule, Schema } from "effect"
import type { Checkout, CheckoutRequest, PaymentProviderError, RefundRequest } from "../../application/ports/PaymentProvider.js"
import { PaymentProvider, PaymentProviderUnavailable, PaymentRequestRefused } from "../../application/ports/PaymentProvider.js"
import { StripeErrorBody, StripeRefundAnswer, StripeSessionAnswer } from "../../contracts/payments/StripeApi.js"

/*
 * Stripe's API through @effect/platform's HttpClient rather than the official `stripe` package: the
 * bot makes three form-encoded POSTs, whose answers are decoded with Schema at the boundary like
 * every other adapter's, with typed errors, Effect's timeouts and a Schedule for retries (reusing
 * one Idempotency-Key), and no second HTTP stack or runtime dependency; the `stripe` package is a
 * test dependency, signing webhooks and checking the fake Stripe from outside.
 */

export interface StripeCheckoutSettings {
  readonly secretKey: Redacted.Redacted<string>
  /** `https://api.stripe.com`; a fake's address in tests. */
  readonly apiBase: string
  /** Where the success and cancel pages lead: the WhatsApp chat (`https://wa.me/<number>`). */
  readonly chatUrl: string
  /** How long a session stays payable when the request names no expiry (Stripe allows 30 minutes to 24 hours). */
  readonly sessionLifetime: Duration.Duration
  readonly requestTimeout: Duration.Duration
  /** Retries of an unavailable answer (network, 429, 5xx), each after `retryBaseDelay` doubled. */
  readonly maxRetries: number
  readonly retryBaseDelay: Duration.Duration
}

export const defaultStripeTimings = {
  sessionLifetime: Duration.hours(23),
  requestTimeout: Duration.seconds(20),
  maxRetries: 2,
  retryBaseDelay: Duration.millis(500)
} as const

/** Stripe takes these three refund reasons; any other is kept in the refund's metadata. */
const stripeRefundReasons = new Set(["duplicate", "fraudulent", "requested_by_customer"])

const decodeError = Schema.decodeUnknownOption(Schema.parseJson(StripeErrorBody))

/**
 * Stripe's statuses (docs: "Errors"): 400/402/403/404 and 401 will answer the same again; 409 (a
 * concurrent request with the same key), 429 and 5xx may pass later.
 */
const failureOf = (status: number, text: string): PaymentProviderError => {
  const body = decodeError(text)
  const message = Option.match(body, {
    onNone: () => text.slice(0, 200),
    onSome: ({ error }) => `${error.type}${error.code === undefined ? "" : ` ${error.code}`}: ${error.message ?? ""}`
  })
  const reason = `Stripe answered ${status}: ${message}`
  if (status === 409 || status === 429 || status >= 500) return new PaymentProviderUnavailable({ reason })
  const code = Option.flatMap(body, ({ error }) => Option.fromNullable(error.code ?? error.type))
  return new PaymentRequestRefused({ reason, ...Option.match(code, { onNone: () => ({}), onSome: (value) => ({ code: value }) }) })
}

const isRetryable = (error: PaymentProviderError) => error._tag === "PaymentProviderUnavailable"

/** The form a Checkout Session is created with (Stripe's bracket notation). */
export const sessionForm = (request: CheckoutRequest, chatUrl: string, expiresAtSeconds: number): ReadonlyArray<readonly [string, string]> => [
  ["mode", "payment"],
  ["line_items[0][quantity]", "1"],
  ["line_items[0][price_data][currency]", request.currency.toLowerCase()],
  ["line_items[0][price_data][unit_amount]", String(request.amountMinor)],
  ["line_items[0][price_data][product_data][name]", request.description],
  ["client_reference_id", request.orderId],
  ["metadata[order_id]", request.orderId],
  ["metadata[tier]", request.tier],
  // Carried onto the payment intent, so that its charge's refunds and disputes name the order too.
  ["payment_intent_data[metadata][order_id]", request.orderId],
  ["expires_at", String(expiresAtSeconds)],
  ["success_url", chatUrl],
  ["cancel_url", chatUrl]
]

export const make = (settings: StripeCheckoutSettings): Effect.Effect<PaymentProvider["Type"], never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequest((request) =>
        request.pipe(
          HttpClientRequest.prependUrl(settings.apiBase.replace(/\/+$/, "")),
          HttpClientRequest.bearerToken(Redacted.value(settings.secretKey)),
          HttpClientRequest.acceptJson
        )
      )
    )
    const schedule = Schedule.exponential(settings.retryBaseDelay, 2).pipe(Schedule.intersect(Schedule.recurs(settings.maxRetries)))

    /** One POST, retried while Stripe is unavailable, every try under the same Idempotency-Key. */
    const post = <A, I>(
      path: string,
      form: ReadonlyArray<readonly [string, string]>,
      idempotencyKey: string,
      answer: Schema.Schema<A, I>
    ): Effect.Effect<A, PaymentProviderError> => {
      const once = client
        .execute(
          HttpClientRequest.post(path).pipe(
            HttpClientRequest.setHeader("Idempotency-Key", idempotencyKey),
            HttpClientRequest.bodyUrlParams(form)
          )
        )
        .pipe(
          Effect.flatMap((response) =>
            Effect.flatMap(response.text, (text) =>
              response.status >= 200 && response.status < 300 ? Effect.succeed(text) : Effect.fail(failureOf(response.status, text))
            )
          ),
          Effect.catchTags({
            RequestError: (error) => Effect.fail(new PaymentProviderUnavailable({ reason: `Stripe not reached: ${error.message}` })),
            ResponseError: (error) => Effect.fail(new PaymentProviderUnavailable({ reason: `Stripe's answer not read: ${error.message}` }))
          }),
          Effect.timeoutFail({
            duration: settings.requestTimeout,
            onTimeout: () => new PaymentProviderUnavailable({ reason: `no answer from Stripe within ${Duration.format(settings.requestTimeout)}` })
          }),
          Effect.flatMap((text) =>
            Schema.decodeUnknown(Schema.parseJson(answer))(text).pipe(
              // A 2xx we cannot read may have done its work: the retry under the same key says which.
              Effect.mapError((error) => new PaymentProviderUnavailable({ reason: `Stripe's answer unreadable: ${error.message.slice(0, 300)}` }))
            )
          )
        )
      return once.pipe(
        Effect.tapError((error) => (isRetryable(error) ? Effect.logWarning("Stripe request failed; will retry", error.reason) : Effect.void)),
        Effect.retry({ schedule, while: isRetryable })
      )
    }

    const createCheckout = (request: CheckoutRequest): Effect.Effect<Checkout, PaymentProviderError> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const expiresAt = request.expiresAt?.getTime() ?? now + Duration.toMillis(settings.sessionLifetime)
        const session = yield* post(
          "/v1/checkout/sessions",
          sessionForm(request, settings.chatUrl, Math.floor(expiresAt / 1000)),
          request.idempotencyKey ?? `checkout-${request.orderId}-${randomUUID()}`,
          StripeSessionAnswer
        )
        if (session.url === null) {
          return yield* new PaymentRequestRefused({ reason: `Stripe created session ${session.id} without a hosted page` })
        }
        return { url: session.url, providerReference: session.id, expiresAt: Option.some(new Date(session.expires_at * 1000)) }
      }).pipe(Effect.withSpan("Stripe.createCheckout", { attributes: { orderId: request.orderId } }))

    const expireCheckout = (reference: string): Effect.Effect<void, PaymentProviderError> =>
      post(`/v1/checkout/sessions/${encodeURIComponent(reference)}/expire`, [], `expire-${reference}-${randomUUID()}`, StripeSessionAnswer).pipe(
        Effect.asVoid,
        Effect.withSpan("Stripe.expireCheckout", { attributes: { reference } })
      )

    const refund = (request: RefundRequest): Effect.Effect<string, PaymentProviderError> => {
      const target: readonly [string, string] = request.providerPaymentId.startsWith("pi_")
        ? ["payment_intent", request.providerPaymentId]
        : ["charge", request.providerPaymentId]
      const reason: ReadonlyArray<readonly [string, string]> = stripeRefundReasons.has(request.reason)
        ? [["reason", request.reason]]
        : [["metadata[reason]", request.reason]]
      const amount: ReadonlyArray<readonly [string, string]> = request.amountMinor === undefined ? [] : [["amount", String(request.amountMinor)]]
      // One refund per payment and amount: asking again (a retried command) is answered with the first.
      const key = `refund-${request.providerPaymentId}-${request.amountMinor ?? "all"}`
      return post("/v1/refunds", [target, ...amount, ...reason], key, StripeRefundAnswer).pipe(
        Effect.map((answer) => answer.id),
        Effect.withSpan("Stripe.refund", { attributes: { providerPaymentId: request.providerPaymentId } })
      )
    }

    return PaymentProvider.of({ name: "stripe", createCheckout, expireCheckout, refund })
  })

export const StripeCheckout = {
  layer: (settings: StripeCheckoutSettings): Layer.Layer<PaymentProvider, never, HttpClient.HttpClient> =>
    Layer.effect(PaymentProvider, make(settings))
}
