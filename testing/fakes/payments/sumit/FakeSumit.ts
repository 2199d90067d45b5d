import * as http from "node:http"
import type { Scope } from "effect"
import { Context, Effect, Layer, Schema } from "effect"
import {
  SumitBeginRedirectRequest,
  SumitGetPaymentRequest,
  sumitPaths,
  type SumitGetPaymentAnswerEncoded,
  type SumitPaymentEncoded,
  type SumitTriggerEncoded
} from "../../../../contracts/payments/SumitApi.js"
import { closeServer, listenOnLoopback } from "../../loopbackServer.js"

/**
 * A fake SUMIT on a loopback port, built from what is known of SUMIT's API (its field names come
 * from contracts/payments/SumitApi.ts, the one place they are written): `beginredirect` makes a
 * hosted page at the amount asked; the page's Pay button takes the payment and posts the unsigned
 * notification (IPN) in any of SUMIT's shapes; `payments/get` answers what was really paid. The
 * original bot's fixed per-tier pages and their trigger are here too, and so is a forger, since
 * anyone can post to an unsigned endpoint.
 */

export interface FakeSumitOptions {
  readonly companyId?: number
  readonly apiKey?: string
  /** Where the fixed pages' trigger posts (the original bot's mode). */
  readonly triggerUrl?: string
}

/** How a notification is posted: JSON, form fields with dotted keys, or a form field `json`. */
export type SumitNotificationStyle = "json" | "form" | "json-field"

export type SumitFailure = "credentials" | "server_error" | "unreachable_status"

export interface FakeSumitPage {
  readonly id: string
  readonly amount: number
  readonly currency: number
  readonly externalIdentifier: string | null
  readonly ipnUrl: string | null
  readonly redirectUrl: string
  readonly itemName: string
}

export interface SumitTriggerFields {
  readonly id: number
  readonly phone?: string
  readonly name?: string
  readonly tier?: string
}

/** The original bot's trigger: a "view" record naming the payment, with the page's fields. */
export const triggerBody = (fields: SumitTriggerFields): string => {
  const trigger: SumitTriggerEncoded = {
    EntityID: fields.id,
    Properties: {
      "Property_M-5": [fields.phone ?? ""],
      "Property_M-10": [fields.name ?? "Dana Cohen"],
      "Property_M-3": [{ Name: fields.tier ?? "Standard" }]
    }
  }
  return JSON.stringify(trigger)
}

export interface SumitNotificationDelivery {
  readonly url: string
  readonly body: string
  readonly contentType: string
  readonly status: number | undefined
}

export interface FakeSumitHandle {
  readonly baseUrl: string
  readonly companyId: number
  readonly apiKey: string
  readonly setTriggerUrl: (url: string) => Effect.Effect<void>
  readonly setNotificationStyle: (style: SumitNotificationStyle) => Effect.Effect<void>
  readonly failNext: (failure: SumitFailure, count?: number) => Effect.Effect<void>
  /** The next payment is declined by the card company: `ValidPayment` false, `Status` not "000". */
  readonly declineNext: Effect.Effect<void>
  readonly page: (pageId: string) => Effect.Effect<FakeSumitPage | undefined>
  readonly pageOfUrl: (url: string) => Effect.Effect<FakeSumitPage | undefined>
  /** What the hosted page's Pay button does; the payment id. */
  readonly pay: (pageId: string, payer?: { readonly name?: string; readonly phone?: string }) => Effect.Effect<string, string>
  /** A fixed page of the original bot's kind, at a price in ILS (decimal): its URL. */
  readonly addFixedPage: (tierName: string, amount: number) => Effect.Effect<string>
  /**
   * What `payments/get` answers for a payment from now on: a phone or an amount other than the
   * trigger said (the trigger is unsigned; only this answer counts).
   */
  readonly alterPayment: (paymentId: string, changes: { readonly phone?: string | null; readonly amount?: number }) => Effect.Effect<void, string>
  /** Posts the original bot's trigger shape with any values (a payment SUMIT never took, a forged phone). */
  readonly sendTrigger: (url: string, fields: SumitTriggerFields) => Effect.Effect<SumitNotificationDelivery>
  /** Posts any body to any URL, as an attacker or a misconfigured trigger would. */
  readonly post: (url: string, body: string, contentType: string) => Effect.Effect<SumitNotificationDelivery>
  readonly notifications: Effect.Effect<ReadonlyArray<SumitNotificationDelivery>>
  /** How many `payments/get` calls were answered. */
  readonly lookups: Effect.Effect<number>
}

const readBody = (req: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const html = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:28em;margin:3em auto">${body}</body></html>`

const envelope = <A>(data: A | null, status = 0, message: string | null = null) => ({
  Status: status,
  UserErrorMessage: message,
  TechnicalErrorDetails: null,
  Data: data
})

interface StoredPayment {
  readonly payment: SumitPaymentEncoded
}

const start = async (options: FakeSumitOptions) => {
  const companyId = options.companyId ?? 12345678
  const apiKey = options.apiKey ?? "fake-sumit-api-key"
  let triggerUrl = options.triggerUrl
  let style: SumitNotificationStyle = "json"
  let declineNext = false
  let lookups = 0
  const failures: Array<SumitFailure> = []
  const pages = new Map<string, FakeSumitPage & { readonly fixedTier?: string }>()
  const payments = new Map<number, StoredPayment>()
  const notifications: Array<SumitNotificationDelivery> = []
  let nextPage = 1
  let nextPayment = 900_000_001
  let baseUrl = ""

  const post = async (url: string, body: string, contentType: string): Promise<SumitNotificationDelivery> => {
    const status = await fetch(url, { method: "POST", headers: { "content-type": contentType }, body }).then(
      async (response) => {
        await response.arrayBuffer()
        return response.status
      },
      () => undefined
    )
    const delivery = { url, body, contentType, status }
    notifications.push(delivery)
    return delivery
  }

  const notify = (url: string, payment: SumitPaymentEncoded) => {
    const object = { Payment: payment }
    switch (style) {
      case "json":
        return post(url, JSON.stringify(object), "application/json")
      case "json-field":
        return post(url, new URLSearchParams({ json: JSON.stringify(object) }).toString(), "application/x-www-form-urlencoded")
      case "form":
        return post(
          url,
          new URLSearchParams({
            "Payment.ID": String(payment.ID),
            "Payment.Status": payment.Status,
            "Payment.ValidPayment": String(payment.ValidPayment),
            "Payment.Amount": String(payment.Amount)
          }).toString(),
          "application/x-www-form-urlencoded"
        )
    }
  }

  const pay = async (pageId: string, payer: { readonly name?: string; readonly phone?: string } = {}): Promise<string> => {
    const found = pages.get(pageId)
    if (found === undefined) throw new Error(`no SUMIT page ${pageId}`)
    const declined = declineNext
    declineNext = false
    const id = nextPayment++
    const payment: SumitPaymentEncoded = {
      ID: id,
      Amount: found.amount,
      Currency: found.currency,
      ValidPayment: !declined,
      Status: declined ? "005" : "000",
      StatusDescription: declined ? "Declined" : "Approved",
      Date: new Date().toISOString(),
      ExternalIdentifier: found.externalIdentifier,
      Customer: { Name: payer.name ?? "Dana Cohen", Phone: payer.phone ?? null }
    }
    payments.set(id, { payment })
    if (found.fixedTier !== undefined) {
      if (triggerUrl !== undefined) {
        await post(triggerUrl, triggerBody({ id, tier: found.fixedTier, ...payer }), "application/json")
      }
    } else if (found.ipnUrl !== null) {
      await notify(found.ipnUrl, payment)
    }
    return String(id)
  }

  const api = async (path: string, raw: string): Promise<{ status: number; body: unknown }> => {
    const failure = failures.shift()
    if (failure === "server_error") return { status: 500, body: { Message: "An error has occurred." } }
    if (failure === "unreachable_status") return { status: 503, body: {} }
    const json = ((): unknown => {
      try {
        return JSON.parse(raw)
      } catch {
        return undefined
      }
    })()
    const credentials = Schema.decodeUnknownOption(Schema.Struct({ Credentials: Schema.Struct({ CompanyID: Schema.Number, APIKey: Schema.String }) }))(json)
    if (failure === "credentials" || credentials._tag === "None" || credentials.value.Credentials.CompanyID !== companyId || credentials.value.Credentials.APIKey !== apiKey) {
      return { status: 200, body: envelope(null, 1, "Invalid credentials (CompanyID / APIKey)") }
    }
    if (path === sumitPaths.beginRedirect) {
      const request = Schema.decodeUnknownOption(SumitBeginRedirectRequest)(json)
      if (request._tag === "None") return { status: 200, body: envelope(null, 1, "Invalid request") }
      const item = request.value.Items[0]
      if (item === undefined || !(item.UnitPrice > 0) || ![0, 1, 2].includes(item.Currency)) {
        return { status: 200, body: envelope(null, 1, "Invalid item price or currency") }
      }
      const id = `p${nextPage++}`
      pages.set(id, {
        id,
        amount: item.UnitPrice * item.Quantity,
        currency: item.Currency,
        externalIdentifier: request.value.ExternalIdentifier,
        ipnUrl: request.value.IPNURL,
        redirectUrl: request.value.RedirectURL,
        itemName: item.Item.Name
      })
      return { status: 200, body: envelope({ RedirectURL: `${baseUrl}/pay/${id}` }) }
    }
    if (path === sumitPaths.getPayment) {
      const request = Schema.decodeUnknownOption(SumitGetPaymentRequest)(json)
      if (request._tag === "None") return { status: 200, body: envelope(null, 1, "Invalid request") }
      lookups += 1
      const found = payments.get(request.value.PaymentID)
      const answer: SumitGetPaymentAnswerEncoded =
        found === undefined ? envelope(null, 1, "Payment not found") : envelope({ Payment: found.payment })
      return { status: 200, body: answer }
    }
    return { status: 404, body: { Message: `No HTTP resource was found that matches the request URI '${path}'.` } }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    const hosted = /^\/pay\/([^/]+)$/.exec(url.pathname)
    const reply = (async () => {
      if (hosted?.[1] !== undefined) {
        const found = pages.get(hosted[1])
        if (found === undefined) return { status: 404, type: "text/html", body: html("SUMIT", "<h1>Page not found</h1>") }
        if (req.method === "POST") {
          const id = await pay(found.id)
          return { status: 303, type: "text/html", body: "", location: `${found.redirectUrl}${found.redirectUrl.includes("?") ? "&" : "?"}OG-PaymentID=${id}` }
        }
        return {
          status: 200,
          type: "text/html",
          body: html("SUMIT", `<h1>${escapeHtml(found.itemName)}</h1><p>Amount: <strong data-amount="${found.amount}" data-currency="${found.currency}">${found.amount}</strong></p><form method="post"><button>Pay</button></form>`)
        }
      }
      if (req.method !== "POST") return { status: 405, type: "application/json", body: JSON.stringify({ Message: "POST only" }) }
      const answer = await api(url.pathname, await readBody(req))
      return { status: answer.status, type: "application/json", body: JSON.stringify(answer.body) }
    })()
    reply
      .then(({ status, type, body, ...rest }) => {
        res.writeHead(status, { "content-type": type, ...("location" in rest && rest.location !== undefined ? { location: rest.location } : {}) })
        res.end(body)
      })
      .catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" })
        res.end(JSON.stringify({ Message: String(error) }))
      })
  })
  baseUrl = await listenOnLoopback(server, "fake SUMIT")

  const handle: FakeSumitHandle = {
    baseUrl,
    companyId,
    apiKey,
    setTriggerUrl: (url) => Effect.sync(() => void (triggerUrl = url)),
    setNotificationStyle: (value) => Effect.sync(() => void (style = value)),
    failNext: (failure, count = 1) => Effect.sync(() => void failures.push(...Array.from({ length: count }, () => failure))),
    declineNext: Effect.sync(() => void (declineNext = true)),
    page: (pageId) => Effect.sync(() => pages.get(pageId)),
    pageOfUrl: (pageUrl) => Effect.sync(() => pages.get(/\/pay\/([A-Za-z0-9-]+)/.exec(pageUrl)?.[1] ?? "")),
    pay: (pageId, payer) => Effect.tryPromise({ try: () => pay(pageId, payer), catch: (error) => (error instanceof Error ? error.message : String(error)) }),
    addFixedPage: (tierName, amount) =>
      Effect.sync(() => {
        const id = `fixed-${tierName.toLowerCase()}-${nextPage++}`
        pages.set(id, { id, amount, currency: 0, externalIdentifier: null, ipnUrl: null, redirectUrl: "https://wa.me/", itemName: tierName, fixedTier: tierName })
        return `${baseUrl}/pay/${id}`
      }),
    alterPayment: (paymentId, changes) =>
      Effect.suspend(() => {
        const found = payments.get(Number(paymentId))
        if (found === undefined) return Effect.fail(`no SUMIT payment ${paymentId}`)
        const customer = found.payment.Customer ?? {}
        payments.set(Number(paymentId), {
          payment: {
            ...found.payment,
            ...(changes.amount === undefined ? {} : { Amount: changes.amount }),
            Customer: changes.phone === undefined ? customer : { ...customer, Phone: changes.phone }
          }
        })
        return Effect.void
      }),
    sendTrigger: (url, fields) => Effect.promise(() => post(url, triggerBody(fields), "application/json")),
    post: (url, body, contentType) => Effect.promise(() => post(url, body, contentType)),
    notifications: Effect.sync(() => [...notifications]),
    lookups: Effect.sync(() => lookups)
  }
  const stop = () => closeServer(server)
  return { handle, stop }
}

export const makeFakeSumit = (options: FakeSumitOptions = {}): Effect.Effect<FakeSumitHandle, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.promise(() => start(options)), (fake) => Effect.promise(() => fake.stop())).pipe(Effect.map((fake) => fake.handle))

export class FakeSumit extends Context.Tag("whatsapp-astria-bot/harness/FakeSumit")<FakeSumit, FakeSumitHandle>() {
  static readonly layer = (options: FakeSumitOptions = {}): Layer.Layer<FakeSumit> => Layer.scoped(FakeSumit, makeFakeSumit(options))
}
