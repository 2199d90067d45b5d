import { createHmac, randomUUID } from "node:crypto"
import * as http from "node:http"
import type { Scope } from "effect"
import { Context, Effect, Layer } from "effect"
import type { PaymentEventEncoded } from "../../../contracts/payments/PaymentEvent.js"
import type { StripeCheckoutEventEncoded } from "../../../contracts/payments/StripeCheckoutEvent.js"
import { closeServer, listenOnLoopback } from "../loopbackServer.js"

/**
 * A fake hosted checkout on a loopback port: the page a payment link opens, with a Pay button
 * that sends the signed webhook, as a real provider would, to the bot's `/payment-received`.
 * The signing is written here independently of the bot's verifier, so the two check each other.
 */

export interface FakePaymentProviderOptions {
  /** The webhook signing secret (the bot's `PAYMENT_WEBHOOK_SECRET`). */
  readonly secret: string
  /** Where webhooks go; settable later with `control.setWebhookUrl` once the bot listens. */
  readonly webhookUrl?: string
}

/** Which body and header the Pay button sends. */
export type WebhookStyle = "signed-event" | "stripe"

export interface PaymentRequest {
  readonly orderId: string
  readonly amountMinor: number
  readonly currency: string
}

export interface WebhookDelivery {
  /** Undefined for bodies sent with `sendSigned`. */
  readonly paymentId: string | undefined
  readonly orderId: string | undefined
  readonly style: WebhookStyle
  readonly body: string
  readonly signatureHeader: string
  /** The bot's answer, or undefined when it could not be reached. */
  readonly status: number | undefined
}

export interface FakePaymentProviderControl {
  readonly setWebhookUrl: (url: string) => Effect.Effect<void>
  /** Pay this many minor units less than the checkout asked (0 to pay exactly). */
  readonly setUnderpayBy: (minorUnits: number) => Effect.Effect<void>
  /** Deliver each webhook this many times (a provider retrying an acknowledged delivery). */
  readonly setDeliveries: (times: number) => Effect.Effect<void>
  /** Sign with a timestamp this many seconds in the past (a late delivery, or a replay). */
  readonly setLateBySeconds: (seconds: number) => Effect.Effect<void>
  readonly setStyle: (style: WebhookStyle) => Effect.Effect<void>
  /** What the Pay button does, without the page: returns this payment's deliveries. */
  readonly pay: (request: PaymentRequest) => Effect.Effect<ReadonlyArray<WebhookDelivery>>
  /** Sends any body, signed in the provider's scheme with the current knobs, under `style`'s header. */
  readonly sendSigned: (body: string, style: WebhookStyle) => Effect.Effect<WebhookDelivery>
  readonly deliveries: Effect.Effect<ReadonlyArray<WebhookDelivery>>
}

export interface FakePaymentProviderHandle {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string
  /** The bot's `PAYMENT_LINK_TEMPLATE` for this fake. */
  readonly linkTemplate: string
  readonly control: FakePaymentProviderControl
}

/** ISO 4217 minor-unit digits, as Node's Intl knows them. */
const minorDigits = (currency: string): number =>
  new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2

/** "12.90" USD -> 1290, without floating point; undefined for anything else. */
const toMinorUnits = (decimal: string, currency: string): number | undefined => {
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(decimal)
  if (match === null || !/^[A-Za-z]{3}$/.test(currency)) return undefined
  const digits = minorDigits(currency.toUpperCase())
  const fraction = match[2] ?? ""
  if (fraction.length > digits) return undefined
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0")
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const page = (title: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body style="font-family:sans-serif;max-width:28em;margin:3em auto">${body}</body></html>`

const sign = (secret: string, timestamp: number, body: string): string =>
  `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`

const ownEvent = (paymentId: string, request: PaymentRequest, paidAt: Date): PaymentEventEncoded => ({
  id: paymentId,
  order_id: request.orderId,
  amount: request.amountMinor,
  currency: request.currency.toUpperCase(),
  status: "paid",
  paid_at: paidAt.toISOString()
})

const stripeEvent = (eventId: string, request: PaymentRequest, paidAt: Date): StripeCheckoutEventEncoded => {
  const created = Math.floor(paidAt.getTime() / 1000)
  return {
    id: eventId,
    object: "event",
    type: "checkout.session.completed",
    created,
    livemode: false,
    data: {
      object: {
        id: `cs_test_${eventId.slice(4)}`,
        object: "checkout.session",
        client_reference_id: request.orderId,
        amount_total: request.amountMinor,
        currency: request.currency.toLowerCase(),
        payment_status: "paid",
        created
      }
    }
  }
}

const readForm = (req: http.IncomingMessage): Promise<URLSearchParams> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))))
    req.on("error", reject)
  })

const start = async (options: FakePaymentProviderOptions) => {
  let webhookUrl = options.webhookUrl
  let underpayBy = 0
  let times = 1
  let lateBySeconds = 0
  let style: WebhookStyle = "signed-event"
  const deliveries: Array<WebhookDelivery> = []

  const send = async (body: string, as: WebhookStyle, ids: Pick<WebhookDelivery, "paymentId" | "orderId">): Promise<WebhookDelivery> => {
    const timestamp = Math.floor(Date.now() / 1000) - lateBySeconds
    const signatureHeader = sign(options.secret, timestamp, body)
    const status =
      webhookUrl === undefined
        ? undefined
        : await fetch(webhookUrl, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              [as === "stripe" ? "stripe-signature" : "x-signature"]: signatureHeader
            },
            body
          }).then(
            async (response) => {
              await response.arrayBuffer()
              return response.status
            },
            () => undefined
          )
    const delivery: WebhookDelivery = { ...ids, style: as, body, signatureHeader, status }
    deliveries.push(delivery)
    return delivery
  }

  const pay = async (request: PaymentRequest): Promise<ReadonlyArray<WebhookDelivery>> => {
    const charged = { ...request, amountMinor: Math.max(0, request.amountMinor - underpayBy) }
    const paidAt = new Date()
    const paymentId = style === "stripe" ? `evt_${randomUUID().replaceAll("-", "")}` : `pay_${randomUUID()}`
    const body = JSON.stringify(style === "stripe" ? stripeEvent(paymentId, charged, paidAt) : ownEvent(paymentId, charged, paidAt))
    const sent: Array<WebhookDelivery> = []
    // Retries of one delivery carry the same body (same id), each freshly signed.
    for (let i = 0; i < times; i++) sent.push(await send(body, style, { paymentId, orderId: request.orderId }))
    return sent
  }

  const checkoutPage = (url: URL) => {
    const order = url.searchParams.get("order") ?? ""
    const amount = url.searchParams.get("amount") ?? ""
    const currency = (url.searchParams.get("currency") ?? "").toUpperCase()
    const tier = url.searchParams.get("tier") ?? ""
    if (order === "" || toMinorUnits(amount, currency) === undefined) {
      return { status: 400, html: page("Checkout", "<h1>This payment link is incomplete.</h1>") }
    }
    const field = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`
    return {
      status: 200,
      html: page(
        "Checkout",
        `<h1>Headshots${tier === "" ? "" : ` &middot; ${escapeHtml(tier)}`}</h1>` +
          `<p>Amount due: <strong data-amount>${escapeHtml(amount)} ${escapeHtml(currency)}</strong></p>` +
          `<form method="post" action="/checkout/pay">${field("order", order)}${field("amount", amount)}${field("currency", currency)}` +
          `<button type="submit">Pay ${escapeHtml(amount)} ${escapeHtml(currency)}</button></form>`
      )
    }
  }

  const payFromForm = async (form: URLSearchParams) => {
    const orderId = form.get("order") ?? ""
    const currency = (form.get("currency") ?? "").toUpperCase()
    const amountMinor = toMinorUnits(form.get("amount") ?? "", currency)
    if (orderId === "" || amountMinor === undefined) return { status: 400, html: page("Checkout", "<h1>Bad payment form.</h1>") }
    const sent = await pay({ orderId, amountMinor, currency })
    const confirmed = sent.some((delivery) => delivery.status !== undefined && delivery.status < 300)
    return confirmed
      ? { status: 200, html: page("Paid", `<h1 data-status="paid">Paid</h1><p>Thank you. You can go back to WhatsApp.</p>`) }
      : {
          status: 502,
          html: page("Not confirmed", `<h1 data-status="unconfirmed">The shop did not confirm the payment</h1><p>Answers: ${sent.map((d) => String(d.status ?? "none")).join(", ")}</p>`)
        }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    const answer = (async () => {
      if (req.method === "GET" && url.pathname === "/checkout") return checkoutPage(url)
      if (req.method === "POST" && url.pathname === "/checkout/pay") return payFromForm(await readForm(req))
      return { status: 404, html: page("Not found", "<h1>Not found</h1>") }
    })()
    answer
      .catch((error: unknown) => ({ status: 500, html: page("Error", `<pre>${escapeHtml(String(error))}</pre>`) }))
      .then(({ status, html }) => {
        res.writeHead(status, { "content-type": "text/html; charset=utf-8" })
        res.end(html)
      })
  })
  const baseUrl = await listenOnLoopback(server, "fake payment provider")

  const control: FakePaymentProviderControl = {
    setWebhookUrl: (url) => Effect.sync(() => void (webhookUrl = url)),
    setUnderpayBy: (minorUnits) => Effect.sync(() => void (underpayBy = Math.max(0, minorUnits))),
    setDeliveries: (count) => Effect.sync(() => void (times = Math.max(1, count))),
    setLateBySeconds: (seconds) => Effect.sync(() => void (lateBySeconds = seconds)),
    setStyle: (value) => Effect.sync(() => void (style = value)),
    pay: (request) => Effect.promise(() => pay(request)),
    sendSigned: (body, as) => Effect.promise(() => send(body, as, { paymentId: undefined, orderId: undefined })),
    deliveries: Effect.sync(() => [...deliveries])
  }
  const stop = () => closeServer(server)
  return {
    handle: {
      baseUrl,
      linkTemplate: `${baseUrl}/checkout?order={order}&amount={amount}&currency={currency}&tier={tier}`,
      control
    } satisfies FakePaymentProviderHandle,
    stop
  }
}

/** Starts the fake on an ephemeral loopback port for the life of the scope. */
export const makeFakePaymentProvider = (
  options: FakePaymentProviderOptions
): Effect.Effect<FakePaymentProviderHandle, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.promise(() => start(options)), (fake) => Effect.promise(() => fake.stop())).pipe(
    Effect.map((fake) => fake.handle)
  )

export class FakePaymentProvider extends Context.Tag("whatsapp-astria-bot/harness/FakePaymentProvider")<
  FakePaymentProvider,
  FakePaymentProviderHandle
>() {
  static readonly layer = (options: FakePaymentProviderOptions): Layer.Layer<FakePaymentProvider> =>
    Layer.scoped(FakePaymentProvider, makeFakePaymentProvider(options))
}
