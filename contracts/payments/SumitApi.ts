import { Schema } from "effect"

/**
 * Every SUMIT field name the bot uses, in this one module. SUMIT's own OpenAPI description could
 * not be read when this was written: the names follow the original bot and public integrations of
 * SUMIT's API, not a test against SUMIT, so a correction is an edit here and nowhere else.
 *
 * The API is JSON over HTTPS, POST only, at `https://api.sumit.co.il`; every request carries the
 * company's credentials, and every answer is wrapped in a status envelope whose `Status` is the
 * call's, not the payment's.
 */

export const sumitPaths = {
  /** Starts a hosted payment page for an amount decided at call time. */
  beginRedirect: "/billing/payments/beginredirect/",
  /** One payment by its id: how an (unsigned) notification is confirmed. */
  getPayment: "/billing/payments/get/"
} as const

/** Billing calls name currencies by number. */
export const sumitCurrencyCodes: Readonly<Record<string, number>> = { ILS: 0, USD: 1, EUR: 2 }
export const sumitCurrencyOf = (code: number): string | undefined =>
  Object.entries(sumitCurrencyCodes).find(([, value]) => value === code)?.[0]

export const SumitCredentials = Schema.Struct({
  CompanyID: Schema.Number,
  APIKey: Schema.String
})

export const SumitBeginRedirectRequest = Schema.Struct({
  Credentials: SumitCredentials,
  Customer: Schema.Struct({
    Name: Schema.String,
    /** Ours is the order's opaque id: the customer record names no phone number. */
    ExternalIdentifier: Schema.String
  }),
  Items: Schema.Array(
    Schema.Struct({
      Item: Schema.Struct({ Name: Schema.String, ExternalIdentifier: Schema.String }),
      Quantity: Schema.Number,
      /** A decimal in the currency's units (39.9), not minor units. */
      UnitPrice: Schema.Number,
      Currency: Schema.Number
    })
  ),
  VATIncluded: Schema.Boolean,
  /** Where the person is sent after paying. */
  RedirectURL: Schema.String,
  /** Where the person is sent after cancelling. */
  CancelRedirectURL: Schema.String,
  /** The server notification (IPN) URL. */
  IPNURL: Schema.String,
  /** Our reference of the payment: the order id. */
  ExternalIdentifier: Schema.String
})
export type SumitBeginRedirectRequest = typeof SumitBeginRedirectRequest.Type

export const SumitGetPaymentRequest = Schema.Struct({
  Credentials: SumitCredentials,
  PaymentID: Schema.Number
})
export type SumitGetPaymentRequest = typeof SumitGetPaymentRequest.Type

/** The envelope of every answer. `Status` 0 is success; anything else carries `UserErrorMessage`. */
export const sumitEnvelope = <A, I>(data: Schema.Schema<A, I>) =>
  Schema.Struct({
    Status: Schema.Number,
    UserErrorMessage: Schema.optional(Schema.NullOr(Schema.String)),
    TechnicalErrorDetails: Schema.optional(Schema.NullOr(Schema.String)),
    Data: Schema.NullOr(data)
  })

/** `Status` values of the envelope. */
export const sumitCallSucceeded = 0

export const SumitBeginRedirectData = Schema.Struct({
  /** The hosted page to send the person to. */
  RedirectURL: Schema.String
})
export const SumitBeginRedirectAnswer = sumitEnvelope(SumitBeginRedirectData)

export const SumitPayment = Schema.Struct({
  ID: Schema.Number,
  /** A decimal in the currency's units. */
  Amount: Schema.Number,
  Currency: Schema.Number,
  /** True only for money actually taken. */
  ValidPayment: Schema.Boolean,
  /** `"000"` is an approved payment; anything else a declined or failed one. */
  Status: Schema.String,
  StatusDescription: Schema.optional(Schema.NullOr(Schema.String)),
  /** ISO 8601. */
  Date: Schema.optional(Schema.NullOr(Schema.String)),
  /** What `beginredirect` was given as `ExternalIdentifier`: the order id (absent for fixed pages). */
  ExternalIdentifier: Schema.optional(Schema.NullOr(Schema.String)),
  Customer: Schema.optional(
    Schema.NullOr(
      Schema.Struct({
        Name: Schema.optional(Schema.NullOr(Schema.String)),
        Phone: Schema.optional(Schema.NullOr(Schema.String))
      })
    )
  )
})
export type SumitPayment = typeof SumitPayment.Type
export type SumitPaymentEncoded = typeof SumitPayment.Encoded

export const SumitGetPaymentAnswer = sumitEnvelope(Schema.Struct({ Payment: SumitPayment }))
export type SumitGetPaymentAnswerEncoded = typeof SumitGetPaymentAnswer.Encoded

/** An approved payment, by SUMIT's own statuses. */
export const sumitPaymentApproved = (payment: SumitPayment): boolean => payment.ValidPayment && payment.Status === "000"

/**
 * What a notification may name the payment by, in the shapes SUMIT posts: the original bot's
 * trigger (a "view" record: `EntityID`, with `Properties` such as `Property_M-5` the phone), or a
 * payment object (`Payment.ID`, `PaymentID`), as JSON, as form fields with dotted keys
 * (`Payment.ID=123`), or as a form field `json` holding the JSON. Only the id is read: everything
 * else is taken from `payments/get`.
 */
export const sumitNotificationIdFields = ["EntityID", "Payment.ID", "PaymentID"] as const
export const sumitNotificationJsonField = "json"

/** The original bot's trigger, as the fake SUMIT posts it. */
export const SumitTrigger = Schema.Struct({
  EntityID: Schema.Number,
  Properties: Schema.Struct({
    "Property_M-5": Schema.optional(Schema.Array(Schema.String)),
    "Property_M-10": Schema.optional(Schema.Array(Schema.String)),
    "Property_M-3": Schema.optional(Schema.Array(Schema.Struct({ Name: Schema.String })))
  })
})
export type SumitTriggerEncoded = typeof SumitTrigger.Encoded

/**
 * The id a SUMIT payment is recorded under (ours, not SUMIT's): the notification and the import of
 * the original bot's handled payments use the same one, so a payment is taken once whichever came
 * first.
 */
export const sumitPaymentRecordId = (sumitPaymentId: string) => `sumit-${sumitPaymentId}`
