import { HttpClient, HttpClientRequest } from "@effect/platform"
import { createHmac, timingSafeEqual } from "node:crypto"
import { Context, Duration, Effect, Either, Layer, Option, Redacted, Schedule, Schema } from "effect"
import type { Checkout, CheckoutRequest, PaymentProviderError } from "../../application/ports/PaymentProvider.js"
import { PaymentProvider, PaymentProviderUnavailable, PaymentRequestRefused, RefundNotSupported } from "../../application/ports/PaymentProvider.js"
import {
  sumitCallSucceeded,
  sumitCurrencyCodes,
  sumitCurrencyOf,
  SumitBeginRedirectAnswer,
  SumitGetPaymentAnswer,
  sumitNotificationIdFields,
  sumitNotificationJsonField,
  sumitPaths,
  sumitPaymentApproved,
  type SumitBeginRedirectRequest,
  type SumitPayment
} from "../../contracts/payments/SumitApi.js"
import { decimalAmount } from "./decimalAmount.js"

/**
 * SUMIT (the original bot's billing service) through its JSON API with @effect/platform's
 * HttpClient: a hosted payment page per order at the order's amount (`beginredirect`), and
 * `payments/get` to confirm a notification, since SUMIT signs none. Field names: contracts/payments/SumitApi.ts.
 */

export interface SumitCheckoutSettings {
  readonly companyId: number
  readonly apiKey: Redacted.Redacted<string>
  /** `https://api.sumit.co.il`; a fake's address in tests. */
  readonly apiBase: string
  /** Where the person returns after paying or cancelling: the WhatsApp chat. */
  readonly chatUrl: string
  /** The bot's notification endpoint (`<PUBLIC_BASE_URL>/payment-received/sumit`). */
  readonly notificationUrl: string
  readonly requestTimeout: Duration.Duration
  readonly maxRetries: number
  readonly retryBaseDelay: Duration.Duration
}

export const defaultSumitTimings = {
  requestTimeout: Duration.seconds(20),
  maxRetries: 2,
  retryBaseDelay: Duration.millis(500)
} as const

/**
 * The per-order token in the notification URL: only SUMIT (given the URL) and the bot know it, so
 * a notification naming an order must come from that order's page. Still only a hint: the payment
 * itself is confirmed with `payments/get`.
 */
export const notificationToken = (apiKey: Redacted.Redacted<string>, orderId: string): string =>
  createHmac("sha256", Redacted.value(apiKey)).update(`sumit-notification:${orderId}`).digest("hex")

export const tokenMatches = (apiKey: Redacted.Redacted<string>, orderId: string, token: string): boolean => {
  const expected = Buffer.from(notificationToken(apiKey, orderId), "hex")
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(token) ? token : "", "hex")
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** A payment as `payments/get` answered it, in the bot's terms. */
export interface SumitConfirmedPayment {
  readonly paymentId: string
  /** The `ExternalIdentifier` the page was made with (our order id); none for a fixed page. */
  readonly orderId: Option.Option<string>
  readonly amountMinor: number
  /** ISO 4217; undefined for a currency code the bot does not know. */
  readonly currency: string | undefined
  readonly approved: boolean
  readonly customerPhone: Option.Option<string>
  readonly customerName: Option.Option<string>
  readonly paidAt: Option.Option<Date>
}

/** SUMIT's payment lookup, for the notification endpoint. */
export class SumitPayments extends Context.Tag("whatsapp-astria-bot/SumitPayments")<
  SumitPayments,
  {
    readonly get: (paymentId: string) => Effect.Effect<SumitConfirmedPayment, PaymentProviderError>
    readonly apiKey: Redacted.Redacted<string>
  }
>() {}

/** 39.9 ILS -> 3990, through the decimal's text, never multiplying floating point. */
export const sumitAmountToMinor = (amount: number, currency: string): number | undefined => {
  const digits = decimalAmount(0, currency)?.split(".")[1]?.length ?? 0
  const match = /^(\d+)(?:\.(\d+))?$/.exec(String(amount))
  if (match?.[1] === undefined) return undefined
  const fraction = match[2] ?? ""
  if (fraction.length > digits) return undefined
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0")
}

const present = (value: string | null | undefined): Option.Option<string> =>
  value === null || value === undefined || value.trim() === "" ? Option.none() : Option.some(value)

const confirmed = (payment: SumitPayment): SumitConfirmedPayment => {
  const currency = sumitCurrencyOf(payment.Currency)
  const paidAt = Option.flatMap(present(payment.Date), (text) => {
    const date = new Date(text)
    return Number.isNaN(date.getTime()) ? Option.none() : Option.some(date)
  })
  return {
    paymentId: String(payment.ID),
    orderId: present(payment.ExternalIdentifier),
    amountMinor: currency === undefined ? 0 : (sumitAmountToMinor(payment.Amount, currency) ?? 0),
    currency,
    approved: sumitPaymentApproved(payment) && currency !== undefined && sumitAmountToMinor(payment.Amount, currency) !== undefined,
    customerPhone: present(payment.Customer?.Phone),
    customerName: present(payment.Customer?.Name),
    paidAt
  }
}

/**
 * The payment id a notification names, from any of the shapes SUMIT posts (JSON, form with dotted
 * keys, or a form field `json`). Nothing else in it is trusted.
 */
export const readSumitNotification = (body: Uint8Array, contentType: string | undefined): Either.Either<string, string> => {
  const text = new TextDecoder().decode(body)
  const fromObject = (value: unknown): string | undefined => {
    for (const field of sumitNotificationIdFields) {
      const found = field.split(".").reduce<unknown>((at, key) => (typeof at === "object" && at !== null && key in at ? Reflect.get(at, key) : undefined), value)
      if (typeof found === "number" && Number.isSafeInteger(found) && found > 0) return String(found)
      if (typeof found === "string" && /^\d{1,18}$/.test(found)) return found
    }
    return undefined
  }
  const parseJson = (raw: string): unknown => {
    try {
      return JSON.parse(raw)
    } catch {
      return undefined
    }
  }
  const isForm = contentType?.toLowerCase().startsWith("application/x-www-form-urlencoded") ?? false
  const id = isForm
    ? (() => {
        const form = new URLSearchParams(text)
        const json = form.get(sumitNotificationJsonField)
        return json === null ? fromObject(Object.fromEntries(form)) ?? fromDotted(form) : fromObject(parseJson(json))
      })()
    : fromObject(parseJson(text))
  return id === undefined ? Either.left("no payment id in the notification") : Either.right(id)
}

/** Form fields with dotted keys (`Payment.ID=123`) are read as the key itself. */
const fromDotted = (form: URLSearchParams): string | undefined => {
  for (const field of sumitNotificationIdFields) {
    const value = form.get(field)
    if (value !== null && /^\d{1,18}$/.test(value)) return value
  }
  return undefined
}

const isRetryable = (error: PaymentProviderError) => error._tag === "PaymentProviderUnavailable"

/** What SUMIT's calls need, without the pages' return and notification addresses. */
export type SumitApiSettings = Omit<SumitCheckoutSettings, "chatUrl" | "notificationUrl">

const makeApi = (settings: SumitApiSettings) =>
  Effect.gen(function* () {
    const client = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequest((request) => request.pipe(HttpClientRequest.prependUrl(settings.apiBase.replace(/\/+$/, "")), HttpClientRequest.acceptJson))
    )
    const credentials = { CompanyID: settings.companyId, APIKey: Redacted.value(settings.apiKey) }
    const schedule = Schedule.exponential(settings.retryBaseDelay, 2).pipe(Schedule.intersect(Schedule.recurs(settings.maxRetries)))

    /** One POST; a 2xx whose envelope says failure is SUMIT refusing the call. */
    const call = <A extends { readonly Status: number; readonly UserErrorMessage?: string | null | undefined }, I>(
      path: string,
      body: unknown,
      answer: Schema.Schema<A, I>
    ): Effect.Effect<A, PaymentProviderError> =>
      client.execute(HttpClientRequest.post(path).pipe(HttpClientRequest.bodyUnsafeJson(body))).pipe(
        Effect.flatMap((response) =>
          Effect.flatMap(response.text, (text): Effect.Effect<string, PaymentProviderError> =>
            response.status === 429 || response.status >= 500
              ? Effect.fail(new PaymentProviderUnavailable({ reason: `SUMIT answered ${response.status}` }))
              : response.status >= 400
                ? Effect.fail(new PaymentRequestRefused({ reason: `SUMIT answered ${response.status}: ${text.slice(0, 200)}` }))
                : Effect.succeed(text)
          )
        ),
        Effect.catchTags({
          RequestError: (error) => Effect.fail(new PaymentProviderUnavailable({ reason: `SUMIT not reached: ${error.message}` })),
          ResponseError: (error) => Effect.fail(new PaymentProviderUnavailable({ reason: `SUMIT's answer not read: ${error.message}` }))
        }),
        Effect.timeoutFail({
          duration: settings.requestTimeout,
          onTimeout: () => new PaymentProviderUnavailable({ reason: `no answer from SUMIT within ${Duration.format(settings.requestTimeout)}` })
        }),
        Effect.flatMap((text) =>
          Schema.decodeUnknown(Schema.parseJson(answer))(text).pipe(
            Effect.mapError((error) => new PaymentProviderUnavailable({ reason: `SUMIT's answer unreadable: ${error.message.slice(0, 300)}` }))
          )
        ),
        Effect.flatMap((decoded) =>
          decoded.Status === sumitCallSucceeded
            ? Effect.succeed(decoded)
            : Effect.fail(new PaymentRequestRefused({ reason: `SUMIT refused the call (${decoded.Status}): ${decoded.UserErrorMessage ?? ""}`, code: String(decoded.Status) }))
        ),
        Effect.tapError((error) => (isRetryable(error) ? Effect.logWarning("SUMIT request failed; will retry", error.reason) : Effect.void)),
        Effect.retry({ schedule, while: isRetryable })
      )

    const get = (paymentId: string): Effect.Effect<SumitConfirmedPayment, PaymentProviderError> =>
      /^\d{1,15}$/.test(paymentId)
        ? call(sumitPaths.getPayment, { Credentials: credentials, PaymentID: Number(paymentId) }, SumitGetPaymentAnswer).pipe(
            Effect.flatMap((answer) =>
              answer.Data === null
                ? Effect.fail(new PaymentRequestRefused({ reason: `SUMIT has no payment ${paymentId}` }))
                : Effect.succeed(confirmed(answer.Data.Payment))
            ),
            Effect.withSpan("Sumit.getPayment", { attributes: { paymentId } })
          )
        : Effect.fail(new PaymentRequestRefused({ reason: `not a SUMIT payment id: ${paymentId.slice(0, 40)}` }))

    return { call, credentials, get }
  })

export const make = (settings: SumitCheckoutSettings) =>
  Effect.gen(function* () {
    const { call, credentials, get } = yield* makeApi(settings)
    const createCheckout = (request: CheckoutRequest): Effect.Effect<Checkout, PaymentProviderError> => {
      const currency = sumitCurrencyCodes[request.currency]
      const unitPrice = decimalAmount(request.amountMinor, request.currency)
      if (currency === undefined || unitPrice === undefined) {
        return Effect.fail(new PaymentRequestRefused({ reason: `SUMIT's billing takes ILS, USD or EUR, not ${request.currency}` }))
      }
      const notify = new URL(settings.notificationUrl)
      notify.searchParams.set("order", request.orderId)
      notify.searchParams.set("token", notificationToken(settings.apiKey, request.orderId))
      const body: SumitBeginRedirectRequest = {
        Credentials: credentials,
        Customer: { Name: request.description, ExternalIdentifier: request.orderId },
        Items: [{ Item: { Name: request.description, ExternalIdentifier: request.tier }, Quantity: 1, UnitPrice: Number(unitPrice), Currency: currency }],
        VATIncluded: true,
        RedirectURL: settings.chatUrl,
        CancelRedirectURL: settings.chatUrl,
        IPNURL: notify.toString(),
        ExternalIdentifier: request.orderId
      }
      return call(sumitPaths.beginRedirect, body, SumitBeginRedirectAnswer).pipe(
        Effect.flatMap((answer) =>
          answer.Data === null
            ? Effect.fail(new PaymentProviderUnavailable({ reason: "SUMIT answered success without a page" }))
            : // SUMIT's page has no id of its own in the answer: the order id names it.
              Effect.succeed({ url: answer.Data.RedirectURL, providerReference: request.orderId, expiresAt: Option.none() })
        ),
        Effect.withSpan("Sumit.createCheckout", { attributes: { orderId: request.orderId } })
      )
    }

    const provider = PaymentProvider.of({
      name: "sumit",
      createCheckout,
      // No call known here closes a SUMIT page; one paid after its renewal is confirmed and, its
      // order no longer awaiting payment, goes to review.
      expireCheckout: () => Effect.void,
      refund: () =>
        Effect.fail(new RefundNotSupported({ provider: "sumit", reason: "SUMIT's refund call is not among the fields this project could check; refund in SUMIT" }))
    })
    return { provider, payments: SumitPayments.of({ get, apiKey: settings.apiKey }) }
  })

export const SumitCheckout = {
  /** Only the payment lookup: for the original bot's fixed pages (`sumit-pages`), which need no page made. */
  paymentsLayer: (settings: SumitApiSettings): Layer.Layer<SumitPayments, never, HttpClient.HttpClient> =>
    Layer.effect(SumitPayments, Effect.map(makeApi(settings), ({ get }) => SumitPayments.of({ get, apiKey: settings.apiKey }))),
  layer: (settings: SumitCheckoutSettings): Layer.Layer<PaymentProvider | SumitPayments, never, HttpClient.HttpClient> =>
    Layer.effectContext(Effect.map(make(settings), ({ provider, payments }) => Context.make(PaymentProvider, provider).pipe(Context.add(SumitPayments, payments))))
}
