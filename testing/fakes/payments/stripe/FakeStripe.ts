import { createHash, randomBytes } from "node:crypto"
import * as http from "node:http"
import type { Scope } from "effect"
import { Context, Effect, Layer } from "effect"
import Stripe from "stripe"
import type { StripeErrorBodyEncoded } from "../../../../contracts/payments/StripeApi.js"
import { closeServer, listenOnLoopback } from "../../loopbackServer.js"

/**
 * A fake Stripe on a loopback port, built from Stripe's API reference and fixtures: the three API
 * calls the bot makes (`POST /v1/checkout/sessions` form-encoded, `POST
 * /v1/checkout/sessions/:id/expire`, `POST /v1/refunds`, plus `GET /v1/checkout/sessions/:id`),
 * with Stripe's error bodies and idempotency keys; a hosted page that pays; and webhooks signed with
 * Stripe's own library (`Stripe.webhooks.generateTestHeaderString`), so the bot's verifier is
 * checked against Stripe's signer, not against a copy of itself.
 */

export interface FakeStripeOptions {
  /** The key the bot must present (`Authorization: Bearer ...`). */
  readonly secretKey?: string
  /** Signs webhooks (`whsec_...`). */
  readonly webhookSecret?: string
  readonly webhookUrl?: string
}

/** The errors Stripe documents, as `failNext` injects them. */
export type StripeFailure = "card_declined" | "invalid_request" | "unauthorized" | "rate_limited" | "server_error"

export interface FakeSession {
  readonly id: string
  readonly amountMinor: number
  readonly currency: string
  readonly clientReferenceId: string | null
  readonly metadata: Readonly<Record<string, string>>
  readonly paymentIntentMetadata: Readonly<Record<string, string>>
  readonly description: string
  readonly expiresAt: number
  readonly successUrl: string | null
  readonly cancelUrl: string | null
  readonly status: "open" | "complete" | "expired"
  readonly paymentStatus: "paid" | "unpaid"
  readonly paymentIntent: string | null
  readonly url: string
  readonly created: number
}

export interface FakeIntent {
  readonly id: string
  readonly chargeId: string
  readonly sessionId: string
  readonly amountMinor: number
  readonly currency: string
  readonly refundedMinor: number
}

export interface StripeDelivery {
  readonly eventId: string
  readonly type: string
  readonly body: string
  readonly signatureHeader: string
  /** The bot's answer, or undefined when it could not be reached. */
  readonly status: number | undefined
}

export interface ApiCall {
  readonly method: string
  readonly path: string
  readonly form: URLSearchParams
  readonly idempotencyKey: string | undefined
  readonly status: number
  readonly replayed: boolean
}

export interface FakeStripeHandle {
  /** `http://127.0.0.1:<port>`: the adapter's API base. */
  readonly baseUrl: string
  readonly secretKey: string
  readonly webhookSecret: string
  readonly setWebhookUrl: (url: string) => Effect.Effect<void>
  /** The next `count` API calls answer with this error (not stored under their idempotency key, as Stripe does not). */
  readonly failNext: (failure: StripeFailure, count?: number) => Effect.Effect<void>
  /** Sign webhooks this many seconds in the past (a late delivery or a replay). */
  readonly setLateBySeconds: (seconds: number) => Effect.Effect<void>
  readonly session: (id: string) => Effect.Effect<FakeSession | undefined>
  readonly intent: (id: string) => Effect.Effect<FakeIntent | undefined>
  /**
   * What the hosted page's Pay button does. `delayed` is a bank debit: the session completes unpaid
   * and the outcome follows as `async_payment_succeeded` or `_failed`. Returns the payment intent.
   */
  readonly pay: (sessionId: string, options?: { readonly delayed?: "succeeds" | "fails" }) => Effect.Effect<string, string>
  /** Stripe's own expiry at `expires_at` (or the dashboard's), with its webhook. */
  readonly expire: (sessionId: string) => Effect.Effect<void, string>
  /** The card holder disputes the charge. */
  readonly dispute: (paymentIntentId: string, reason?: string) => Effect.Effect<void, string>
  /** Sends an event again with a fresh signature, as Stripe retries an unacknowledged delivery. */
  readonly redeliver: (eventId: string) => Effect.Effect<StripeDelivery, string>
  readonly deliveries: Effect.Effect<ReadonlyArray<StripeDelivery>>
  readonly calls: Effect.Effect<ReadonlyArray<ApiCall>>
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`
const nowSeconds = () => Math.floor(Date.now() / 1000)

const minorDigits = (currency: string): number | undefined => {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return undefined
  }
}

/** Stripe's minimum charge amounts (docs: "Minimum and maximum charge amounts"), for the currencies tests use. */
const minimumAmount: Readonly<Record<string, number>> = { usd: 50, eur: 50, gbp: 30, ils: 200, jpy: 50 }

const stripeError = (status: number, error: StripeErrorBodyEncoded["error"]) => ({ status, body: { error } })

const injected: Record<StripeFailure, ReturnType<typeof stripeError>> = {
  card_declined: stripeError(402, { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." }),
  invalid_request: stripeError(400, { type: "invalid_request_error", code: "parameter_invalid_empty", param: "line_items", message: "Invalid array" }),
  unauthorized: stripeError(401, { type: "invalid_request_error", message: "Invalid API Key provided: sk_test_****" }),
  rate_limited: stripeError(429, {
    type: "invalid_request_error",
    code: "rate_limit",
    message: "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits."
  }),
  server_error: stripeError(500, { type: "api_error", message: "An unknown error occurred" })
}

const missing = (param: string) =>
  stripeError(400, { type: "invalid_request_error", code: "parameter_missing", param, message: `Missing required param: ${param}.` })
const invalid = (param: string, message: string, code = "parameter_invalid_string") =>
  stripeError(400, { type: "invalid_request_error", code, param, message })
const noSuch = (kind: string, value: string, param = "id") =>
  stripeError(404, { type: "invalid_request_error", code: "resource_missing", param, message: `No such ${kind}: '${value}'` })

/** The top-level parameters of a Checkout Session the fake knows; any other is refused, as Stripe refuses unknown ones. */
const sessionParams = new Set([
  "mode", "line_items", "client_reference_id", "metadata", "payment_intent_data", "expires_at", "success_url", "cancel_url",
  "customer_email", "locale", "payment_method_types"
])
const refundParams = new Set(["payment_intent", "charge", "amount", "reason", "metadata"])

/** `metadata[a]=1&metadata[b]=2` -> `{ a: "1", b: "2" }` */
const nested = (form: URLSearchParams, prefix: string): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [key, value] of form) {
    const match = new RegExp(`^${prefix.replace(/[[\]]/g, "\\$&")}\\[([^\\]]+)\\]$`).exec(key)
    if (match?.[1] !== undefined) out[match[1]] = value
  }
  return out
}

const unknownParam = (form: URLSearchParams, known: ReadonlySet<string>) => {
  for (const key of form.keys()) {
    const top = key.split("[")[0] ?? key
    if (!known.has(top)) return stripeError(400, { type: "invalid_request_error", code: "parameter_unknown", param: key, message: `Received unknown parameter: ${key}` })
  }
  return undefined
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:28em;margin:3em auto">${body}</body></html>`

const readBody = (req: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

interface Answer {
  readonly status: number
  readonly body: unknown
}

const start = async (options: FakeStripeOptions) => {
  const secretKey = options.secretKey ?? "sk_test_fake_stripe_key"
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(16).toString("hex")}`
  let webhookUrl = options.webhookUrl
  let lateBySeconds = 0
  const failures: Array<StripeFailure> = []
  const sessions = new Map<string, FakeSession>()
  const intents = new Map<string, FakeIntent>()
  const events = new Map<string, { readonly type: string; readonly body: string }>()
  const idempotent = new Map<string, { readonly fingerprint: string; readonly answer: Answer }>()
  const deliveries: Array<StripeDelivery> = []
  const calls: Array<ApiCall> = []
  let baseUrl = ""

  const sessionObject = (s: FakeSession) => ({
    id: s.id,
    object: "checkout.session",
    amount_subtotal: s.amountMinor,
    amount_total: s.amountMinor,
    cancel_url: s.cancelUrl,
    client_reference_id: s.clientReferenceId,
    created: s.created,
    currency: s.currency,
    expires_at: s.expiresAt,
    livemode: false,
    metadata: s.metadata,
    mode: "payment",
    payment_intent: s.paymentIntent,
    payment_status: s.paymentStatus,
    status: s.status,
    success_url: s.successUrl,
    url: s.status === "open" ? s.url : null
  })

  const chargeObject = (intent: FakeIntent) => ({
    id: intent.chargeId,
    object: "charge",
    amount: intent.amountMinor,
    amount_captured: intent.amountMinor,
    amount_refunded: intent.refundedMinor,
    created: nowSeconds(),
    currency: intent.currency,
    livemode: false,
    metadata: sessions.get(intent.sessionId)?.paymentIntentMetadata ?? {},
    paid: true,
    payment_intent: intent.id,
    refunded: intent.refundedMinor >= intent.amountMinor,
    status: "succeeded"
  })

  const send = async (eventId: string): Promise<StripeDelivery> => {
    const { type, body } = events.get(eventId) ?? { type: "", body: "" }
    const signatureHeader = Stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret: webhookSecret,
      timestamp: nowSeconds() - lateBySeconds
    })
    const status =
      webhookUrl === undefined
        ? undefined
        : await fetch(webhookUrl, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signatureHeader }, body }).then(
            async (response) => {
              await response.arrayBuffer()
              return response.status
            },
            () => undefined
          )
    const delivery: StripeDelivery = { eventId, type, body, signatureHeader, status }
    deliveries.push(delivery)
    return delivery
  }

  const emit = (type: string, object: unknown) => {
    const eventId = `evt_${randomBytes(12).toString("hex")}`
    const event = {
      id: eventId,
      object: "event",
      api_version: Stripe.API_VERSION,
      created: nowSeconds(),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type
    }
    events.set(eventId, { type, body: JSON.stringify(event) })
    return send(eventId)
  }

  const createSession = (form: URLSearchParams): Answer => {
    const unknown = unknownParam(form, sessionParams)
    if (unknown !== undefined) return unknown
    if (form.get("mode") === null) return missing("mode")
    if (form.get("mode") !== "payment") return invalid("mode", "The bot's fake takes `payment` mode only.")
    const currency = form.get("line_items[0][price_data][currency]")
    const amountText = form.get("line_items[0][price_data][unit_amount]")
    const name = form.get("line_items[0][price_data][product_data][name]")
    const quantity = form.get("line_items[0][quantity]")
    if (currency === null) return missing("line_items[0][price_data][currency]")
    if (amountText === null) return missing("line_items[0][price_data][unit_amount]")
    if (name === null || name === "") return missing("line_items[0][price_data][product_data][name]")
    if (quantity === null) return missing("line_items[0][quantity]")
    if (currency !== currency.toLowerCase() && currency !== currency.toUpperCase()) return invalid("currency", `Invalid currency: ${currency}.`)
    if (!/^[a-z]{3}$/i.test(currency) || minorDigits(currency.toUpperCase()) === undefined) {
      return invalid("line_items[0][price_data][currency]", `Invalid currency: ${currency.toLowerCase()}.`)
    }
    if (!/^\d+$/.test(amountText)) return invalid("line_items[0][price_data][unit_amount]", "Invalid integer: " + amountText, "parameter_invalid_integer")
    const amountMinor = Number(amountText) * Number(quantity)
    const floor = minimumAmount[currency.toLowerCase()] ?? 50
    if (amountMinor < floor) {
      return stripeError(400, {
        type: "invalid_request_error",
        code: "amount_too_small",
        param: "line_items[0][price_data][unit_amount]",
        message: `The Checkout Session's total amount due must add up to at least ${floor} in minor units of ${currency.toLowerCase()}.`
      })
    }
    const created = nowSeconds()
    const expiresText = form.get("expires_at")
    const expiresAt = expiresText === null ? created + 24 * 3600 : Number(expiresText)
    if (!Number.isInteger(expiresAt) || expiresAt < created + 30 * 60 || expiresAt > created + 24 * 3600) {
      return invalid("expires_at", "The `expires_at` timestamp must be at least 30 minutes and less than 24 hours from Checkout Session creation.", "parameter_invalid_integer")
    }
    const successUrl = form.get("success_url")
    if (successUrl === null) return missing("success_url")
    for (const param of ["success_url", "cancel_url"]) {
      const value = form.get(param)
      if (value !== null && !/^https?:\/\//.test(value)) return invalid(param, "Not a valid URL", "url_invalid")
    }
    const sessionId = id("cs")
    const session: FakeSession = {
      id: sessionId,
      amountMinor,
      currency: currency.toLowerCase(),
      clientReferenceId: form.get("client_reference_id"),
      metadata: nested(form, "metadata"),
      paymentIntentMetadata: nested(form, "payment_intent_data[metadata]"),
      description: name,
      expiresAt,
      successUrl,
      cancelUrl: form.get("cancel_url"),
      status: "open",
      paymentStatus: "unpaid",
      paymentIntent: null,
      url: `${baseUrl}/c/pay/${sessionId}`,
      created
    }
    sessions.set(sessionId, session)
    return { status: 200, body: sessionObject(session) }
  }

  /** Stripe closes a session at `expires_at` by itself; the fake does it when the session is next touched. */
  const lapse = async (session: FakeSession): Promise<FakeSession> => {
    if (session.status !== "open" || session.expiresAt > nowSeconds()) return session
    const expired = { ...session, status: "expired" as const }
    sessions.set(session.id, expired)
    await emit("checkout.session.expired", sessionObject(expired))
    return expired
  }

  const expireSession = async (sessionId: string): Promise<Answer> => {
    const found = sessions.get(sessionId)
    if (found === undefined) return noSuch("checkout.session", sessionId, "session")
    const session = await lapse(found)
    if (session.status !== "open") {
      return stripeError(400, { type: "invalid_request_error", message: "Only Checkout Sessions with a status of `open` can be expired." })
    }
    const expired = { ...session, status: "expired" as const }
    sessions.set(sessionId, expired)
    await emit("checkout.session.expired", sessionObject(expired))
    return { status: 200, body: sessionObject(expired) }
  }

  const createRefund = async (form: URLSearchParams): Promise<Answer> => {
    const unknown = unknownParam(form, refundParams)
    if (unknown !== undefined) return unknown
    const intentId = form.get("payment_intent")
    const chargeId = form.get("charge")
    if (intentId === null && chargeId === null) {
      return stripeError(400, { type: "invalid_request_error", message: "One of the following params should be provided for this request: payment_intent or charge." })
    }
    const intent = intentId !== null ? intents.get(intentId) : [...intents.values()].find((candidate) => candidate.chargeId === chargeId)
    if (intent === undefined) return intentId !== null ? noSuch("payment_intent", intentId, "payment_intent") : noSuch("charge", chargeId ?? "", "charge")
    const reason = form.get("reason")
    if (reason !== null && !["duplicate", "fraudulent", "requested_by_customer"].includes(reason)) {
      return invalid("reason", `Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer`)
    }
    const remaining = intent.amountMinor - intent.refundedMinor
    if (remaining <= 0) {
      return stripeError(400, { type: "invalid_request_error", code: "charge_already_refunded", message: `Charge ${intent.chargeId} has already been refunded.` })
    }
    const amountText = form.get("amount")
    const amount = amountText === null ? remaining : Number(amountText)
    if (!Number.isInteger(amount) || amount <= 0) return invalid("amount", "Invalid positive integer", "parameter_invalid_integer")
    if (amount > remaining) {
      return stripeError(400, {
        type: "invalid_request_error",
        code: "amount_too_large",
        param: "amount",
        message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`
      })
    }
    const updated = { ...intent, refundedMinor: intent.refundedMinor + amount }
    intents.set(intent.id, updated)
    const refund = {
      id: id("re"),
      object: "refund",
      amount,
      charge: intent.chargeId,
      created: nowSeconds(),
      currency: intent.currency,
      metadata: nested(form, "metadata"),
      payment_intent: intent.id,
      reason,
      status: "succeeded"
    }
    await emit("charge.refunded", chargeObject(updated))
    return { status: 200, body: refund }
  }

  /** Authentication, injected failures and idempotency, around every API call, in Stripe's order. */
  const api = async (req: http.IncomingMessage, path: string): Promise<Answer & { readonly replayed: boolean }> => {
    const raw = await readBody(req)
    const form = new URLSearchParams(raw)
    const key = req.headers["idempotency-key"]
    const idempotencyKey = typeof key === "string" ? key : undefined
    const record = (answer: Answer, replayed = false) => {
      calls.push({ method: req.method ?? "", path, form, idempotencyKey, status: answer.status, replayed })
      return { ...answer, replayed }
    }
    if (req.headers.authorization !== `Bearer ${secretKey}`) return record(injected.unauthorized)
    const failure = failures.shift()
    if (failure !== undefined) return record(injected[failure])
    const fingerprint = createHash("sha256").update(`${req.method} ${path}\n${raw}`).digest("hex")
    if (req.method === "POST" && idempotencyKey !== undefined) {
      const earlier = idempotent.get(idempotencyKey)
      if (earlier !== undefined) {
        if (earlier.fingerprint !== fingerprint) {
          return record(
            stripeError(400, {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`
            })
          )
        }
        return record(earlier.answer, true)
      }
    }
    const answer = await route(req.method ?? "", path, form)
    // Stripe saves a result once the endpoint ran; a request refused by validation is not saved.
    if (req.method === "POST" && idempotencyKey !== undefined && (answer.status < 400 || answer.status >= 500 || answer.status === 402)) {
      idempotent.set(idempotencyKey, { fingerprint, answer })
    }
    return record(answer)
  }

  const route = async (method: string, path: string, form: URLSearchParams): Promise<Answer> => {
    if (method === "POST" && path === "/v1/checkout/sessions") return createSession(form)
    const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path)
    if (method === "POST" && expire?.[1] !== undefined) return expireSession(decodeURIComponent(expire[1]))
    const get = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path)
    if (method === "GET" && get?.[1] !== undefined) {
      const found = sessions.get(decodeURIComponent(get[1]))
      return found === undefined ? noSuch("checkout.session", get[1], "session") : { status: 200, body: sessionObject(await lapse(found)) }
    }
    if (method === "POST" && path === "/v1/refunds") return createRefund(form)
    return stripeError(404, { type: "invalid_request_error", message: `Unrecognized request URL (${method}: ${path}).` })
  }

  const pay = async (sessionId: string, options: { readonly delayed?: "succeeds" | "fails" } = {}): Promise<string> => {
    const found = sessions.get(sessionId)
    if (found === undefined) throw new Error(`No such checkout.session: '${sessionId}'`)
    const session = await lapse(found)
    if (session.status !== "open") throw new Error(`This Checkout Session is no longer active (${session.status}).`)
    const intent: FakeIntent = {
      id: id("pi"),
      chargeId: id("ch"),
      sessionId,
      amountMinor: session.amountMinor,
      currency: session.currency,
      refundedMinor: 0
    }
    intents.set(intent.id, intent)
    const completed: FakeSession = { ...session, status: "complete", paymentIntent: intent.id, paymentStatus: options.delayed === undefined ? "paid" : "unpaid" }
    sessions.set(sessionId, completed)
    await emit("checkout.session.completed", sessionObject(completed))
    if (options.delayed === "succeeds") {
      const paid = { ...completed, paymentStatus: "paid" as const }
      sessions.set(sessionId, paid)
      await emit("checkout.session.async_payment_succeeded", sessionObject(paid))
    }
    if (options.delayed === "fails") {
      intents.delete(intent.id)
      await emit("checkout.session.async_payment_failed", sessionObject(completed))
    }
    return intent.id
  }

  const hostedPage = async (method: string, sessionId: string): Promise<{ status: number; html: string; location?: string }> => {
    const found = sessions.get(sessionId)
    if (found === undefined) return { status: 404, html: page("Not found", "<h1>Something went wrong</h1><p>The page you were looking for could not be found.</p>") }
    const session = await lapse(found)
    if (session.status !== "open") {
      return { status: 410, html: page("Expired", `<h1 data-status="${session.status}">This Checkout Session is no longer active</h1>`) }
    }
    if (method === "POST") {
      await pay(sessionId)
      return { status: 303, html: "", location: session.successUrl ?? "/" }
    }
    const digits = minorDigits(session.currency.toUpperCase()) ?? 2
    const shown = digits === 0 ? String(session.amountMinor) : (session.amountMinor / 10 ** digits).toFixed(digits)
    return {
      status: 200,
      html: page(
        "Checkout",
        `<h1>${escapeHtml(session.description)}</h1><p>Amount due: <strong data-amount-minor="${session.amountMinor}" data-currency="${session.currency}">${shown} ${session.currency.toUpperCase()}</strong></p>` +
          `<form method="post"><button type="submit">Pay</button></form>` +
          (session.cancelUrl === null ? "" : `<p><a href="${escapeHtml(session.cancelUrl)}">Back</a></p>`)
      )
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    const hosted = /^\/c\/pay\/([^/]+)$/.exec(url.pathname)
    const reply = hosted?.[1] !== undefined
      ? hostedPage(req.method ?? "GET", hosted[1]).then(({ status, html, location }) => {
          res.writeHead(status, { "content-type": "text/html; charset=utf-8", ...(location === undefined ? {} : { location }) })
          res.end(html)
        })
      : api(req, url.pathname).then(({ status, body, replayed }) => {
          res.writeHead(status, {
            "content-type": "application/json",
            "request-id": `req_${randomBytes(7).toString("hex")}`,
            ...(replayed ? { "idempotent-replayed": "true" } : {})
          })
          res.end(JSON.stringify(body))
        })
    reply.catch((error: unknown) => {
      res.writeHead(500, { "content-type": "application/json" })
      res.end(JSON.stringify({ error: { type: "api_error", message: String(error) } }))
    })
  })
  baseUrl = await listenOnLoopback(server, "fake Stripe")

  const attempt = <A>(run: () => Promise<A>) => Effect.tryPromise({ try: run, catch: (error) => (error instanceof Error ? error.message : String(error)) })

  const handle: FakeStripeHandle = {
    baseUrl,
    secretKey,
    webhookSecret,
    setWebhookUrl: (url) => Effect.sync(() => void (webhookUrl = url)),
    failNext: (failure, count = 1) => Effect.sync(() => void failures.push(...Array.from({ length: count }, () => failure))),
    setLateBySeconds: (seconds) => Effect.sync(() => void (lateBySeconds = seconds)),
    session: (sessionId) => Effect.sync(() => sessions.get(sessionId)),
    intent: (intentId) => Effect.sync(() => intents.get(intentId)),
    pay: (sessionId, options) => attempt(() => pay(sessionId, options)),
    expire: (sessionId) =>
      attempt(async () => {
        const answer = await expireSession(sessionId)
        if (answer.status !== 200) throw new Error(JSON.stringify(answer.body))
      }),
    dispute: (intentId, reason = "fraudulent") =>
      attempt(async () => {
        const intent = intents.get(intentId)
        if (intent === undefined) throw new Error(`No such payment_intent: '${intentId}'`)
        await emit("charge.dispute.created", {
          id: id("dp"),
          object: "dispute",
          amount: intent.amountMinor,
          charge: intent.chargeId,
          created: nowSeconds(),
          currency: intent.currency,
          livemode: false,
          metadata: {},
          payment_intent: intent.id,
          reason,
          status: "needs_response"
        })
      }),
    redeliver: (eventId) =>
      attempt(async () => {
        if (!events.has(eventId)) throw new Error(`No such event: '${eventId}'`)
        return send(eventId)
      }),
    deliveries: Effect.sync(() => [...deliveries]),
    calls: Effect.sync(() => [...calls])
  }
  const stop = () => closeServer(server)
  return { handle, stop }
}

/** Starts the fake Stripe on an ephemeral loopback port for the life of the scope. */
export const makeFakeStripe = (options: FakeStripeOptions = {}): Effect.Effect<FakeStripeHandle, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.promise(() => start(options)), (fake) => Effect.promise(() => fake.stop())).pipe(Effect.map((fake) => fake.handle))

export class FakeStripe extends Context.Tag("whatsapp-astria-bot/harness/FakeStripe")<FakeStripe, FakeStripeHandle>() {
  static readonly layer = (options: FakeStripeOptions = {}): Layer.Layer<FakeStripe> => Layer.scoped(FakeStripe, makeFakeStripe(options))
}
