import { describe, expect, it } from "@effect/vitest"
import { Option, Redacted } from "effect"
import { accepted, productionWithoutPayments, refusal } from "./support/plannedStart.js"

/** A production deployment with every setting it needs (the links provider, with returning prices). */
const production: Readonly<Record<string, string>> = {
  ...productionWithoutPayments,
  PAYMENT_PROVIDER: "links",
  PAYMENT_WEBHOOK_SECRET: "whsec_payments",
  PAYMENT_LINK_LITE: "https://buy.stripe.com/lite",
  PAYMENT_LINK_STANDARD: "https://buy.stripe.com/standard",
  PAYMENT_LINK_PREMIUM: "https://buy.stripe.com/premium",
  PAYMENT_LINK_LITE_RETURNING: "https://buy.stripe.com/lite-returning",
  PAYMENT_LINK_STANDARD_RETURNING: "https://buy.stripe.com/standard-returning",
  PAYMENT_LINK_PREMIUM_RETURNING: "https://buy.stripe.com/premium-returning"
}

const without = (name: string) => Object.fromEntries(Object.entries(production).filter(([key]) => key !== name))

describe("the start plan in production", () => {
  it("accepts a complete configuration, every part real", () => {
    const started = accepted(production)
    expect(started.mode).toBe("production")
    expect([started.whatsapp._tag, started.astria._tag, started.payments._tag]).toEqual(["Real", "Real", "Real"])
    expect(Option.map(started.databaseUrl, Redacted.value)).toEqual(Option.some(production.DATABASE_URL))
    expect(started.publicBaseUrl).toEqual(Option.some("https://bot.example.com"))
    if (started.astria._tag === "Real") expect(started.astria.settings.testMode).toBe(false)
  })

  const required = Object.keys(production).filter((name) => name !== "ENVIRONMENT")

  it.each(required)("refuses without %s, naming it", (name) => {
    expect(refusal(without(name))).toContain(name)
  })

  it.each(required)("refuses %s set but empty, naming it", (name) => {
    expect(refusal({ ...production, [name]: "   " })).toContain(name)
  })

  it.each([
    ["DATABASE_URL", undefined],
    ["PUBLIC_BASE_URL", "http://bot.example.com"],
    ["PUBLIC_BASE_URL", "https://127.0.0.1:7070"],
    ["PUBLIC_BASE_URL", "https://localhost"],
    ["PUBLIC_BASE_URL", "not a url"],
    ["PAYMENT_PROVIDER", "paypal"],
    ["PAYMENT_LINK_STANDARD", "http://buy.stripe.com/standard"],
    ["ASTRIA_TEST_MODE", "true"],
    ["ASTRIA_TEST_MODE", "maybe"],
    ["WHATSAPP_THROUGHPUT_PER_SECOND", "fast"],
    ["WHATSAPP_NUMBER_ID", "+972 50 123"],
    ["SERVICES", "message,billing"],
    ["FAKES", "payments"]
  ])("refuses %s=%s, naming it", (name, value) => {
    const settings = value === undefined ? without(name) : { ...production, [name]: value }
    expect(refusal(settings)).toContain(name)
  })

  it("names every problem in one message", () => {
    const message = refusal({ ENVIRONMENT: "production" })
    for (const name of ["DATABASE_URL", "PUBLIC_BASE_URL", "WHATSAPP_API_KEY", "ASTRIA_API_KEY", "PAYMENT_PROVIDER"]) {
      expect(message).toContain(name)
    }
  })

  it("never mounts the fake checkout when the payment secret is forgotten (the forged-payment attack)", () => {
    for (const secret of [undefined, ""]) {
      const settings = secret === undefined ? without("PAYMENT_WEBHOOK_SECRET") : { ...production, PAYMENT_WEBHOOK_SECRET: secret }
      expect(refusal(settings)).toContain("PAYMENT_WEBHOOK_SECRET")
    }
  })

  it("asks for no returning links when there is no returning discount", () => {
    const settings = Object.fromEntries(Object.entries(production).filter(([key]) => !key.endsWith("_RETURNING")))
    expect(refusal(settings)).toContain("PAYMENT_LINK_LITE_RETURNING")
    expect(accepted({ ...settings, RETURNING_DISCOUNT_PERCENT: "0" }).payments._tag).toBe("Real")
  })

  const withoutLinks = Object.fromEntries(Object.entries(production).filter(([key]) => !key.startsWith("PAYMENT_LINK_") && key !== "PAYMENT_WEBHOOK_SECRET"))
  const stripe = {
    ...withoutLinks,
    PAYMENT_PROVIDER: "stripe",
    STRIPE_SECRET_KEY: "sk_live_key",
    STRIPE_WEBHOOK_SECRET: "whsec_stripe",
    WHATSAPP_DISPLAY_NUMBER: "15550783881"
  }
  const sumit = { ...withoutLinks, PAYMENT_PROVIDER: "sumit", SUMIT_COMPANY_ID: "12345678", SUMIT_API_KEY: "sumit-key", WHATSAPP_DISPLAY_NUMBER: "972501234567" }

  it("takes Stripe Checkout with its keys and the chat to lead back to", () => {
    const started = accepted(stripe)
    expect(started.payments._tag === "Real" && started.payments.settings._tag).toBe("Stripe")
    if (started.payments._tag === "Real" && started.payments.settings._tag === "Stripe") {
      expect(started.payments.settings.chatUrl).toBe("https://wa.me/15550783881")
    }
  })

  it.each(["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "WHATSAPP_DISPLAY_NUMBER"])("refuses Stripe without %s, naming it", (name) => {
    expect(refusal(Object.fromEntries(Object.entries(stripe).filter(([key]) => key !== name)))).toContain(name)
  })

  it("refuses a Stripe test key in production (its payments are no money)", () => {
    expect(refusal({ ...stripe, STRIPE_SECRET_KEY: "sk_test_key" })).toContain("STRIPE_SECRET_KEY")
  })

  it("takes SUMIT with its company id and key, notified at the public address", () => {
    const started = accepted(sumit)
    expect(started.payments._tag === "Real" && started.payments.settings._tag).toBe("Sumit")
    if (started.payments._tag === "Real" && started.payments.settings._tag === "Sumit") {
      expect(started.payments.settings.notificationUrl).toBe("https://bot.example.com/payment-received/sumit")
    }
  })

  it.each(["SUMIT_COMPANY_ID", "SUMIT_API_KEY", "WHATSAPP_DISPLAY_NUMBER"])("refuses SUMIT without %s, naming it", (name) => {
    expect(refusal(Object.fromEntries(Object.entries(sumit).filter(([key]) => key !== name)))).toContain(name)
  })

  it("refuses links in production unless every price the bot can quote has its own link, naming each missing one", () => {
    const message = refusal({ ...production, PAYMENT_LINK_PREMIUM: "", PAYMENT_LINK_LITE_RETURNING: "" })
    expect(message).toContain("PAYMENT_LINK_PREMIUM")
    expect(message).toContain("PAYMENT_LINK_LITE_RETURNING")
  })
})

describe("the start plan in development", () => {
  it("runs every part as a fake with no configuration at all, on the embedded database", () => {
    const started = accepted({})
    expect(started.mode).toBe("development")
    expect([started.whatsapp._tag, started.astria._tag, started.payments._tag]).toEqual(["Fake", "Fake", "Fake"])
    expect(started.databaseUrl).toEqual(Option.none())
  })

  it("uses the app secret and verify token you set for the fake Graph API", () => {
    const started = accepted({ WHATSAPP_APP_SECRET: "my-secret", WHATSAPP_VERIFY_TOKEN: "my-token" })
    expect(started.whatsapp._tag).toBe("Fake")
    if (started.whatsapp._tag === "Fake") {
      expect(Option.map(started.whatsapp.settings.appSecret, Redacted.value)).toEqual(Option.some("my-secret"))
      expect(Option.map(started.whatsapp.settings.verifyToken, Redacted.value)).toEqual(Option.some("my-token"))
    }
  })

  it("refuses some credentials without the other parts named in FAKES", () => {
    const message = refusal({ ASTRIA_API_KEY: "sd_astria" })
    expect(message).toContain("WHATSAPP_API_KEY")
    expect(message).toContain("FAKES")
    expect(message).toContain("PAYMENT_PROVIDER")
  })

  it("mixes real and fake parts when the fakes are named", () => {
    const started = accepted({ ASTRIA_API_KEY: "sd_astria", FAKES: "whatsapp, payments" })
    expect(started.astria._tag).toBe("Real")
    expect(started.whatsapp).toMatchObject({ _tag: "Fake", named: true })
    expect(started.payments).toMatchObject({ _tag: "Fake", named: true })
  })

  it("trains on Astria's paid branch unless the test branch is asked for by name", () => {
    const paid = accepted({ ASTRIA_API_KEY: "sd_astria", FAKES: "whatsapp,payments" })
    const test = accepted({ ASTRIA_API_KEY: "sd_astria", FAKES: "whatsapp,payments", ASTRIA_TEST_MODE: "true" })
    expect(paid.astria._tag === "Real" && paid.astria.settings.testMode).toBe(false)
    expect(test.astria._tag === "Real" && test.astria.settings.testMode).toBe(true)
  })

  it("refuses a real WhatsApp whose app secret is empty: a body signed with the empty key must never pass", () => {
    const message = refusal({ WHATSAPP_API_KEY: "EAAG", WHATSAPP_NUMBER_ID: "1", WHATSAPP_APP_SECRET: "", WHATSAPP_VERIFY_TOKEN: "t", FAKES: "astria,payments" })
    expect(message).toContain("WHATSAPP_APP_SECRET")
  })

  it("refuses a part both credentialed and named in FAKES, and an unknown part", () => {
    expect(refusal({ ASTRIA_API_KEY: "sd", FAKES: "astria,whatsapp,payments" })).toContain("FAKES: names astria")
    expect(refusal({ FAKES: "stripe" })).toContain('unknown part "stripe"')
  })
})

describe("the start plan in Azure Functions", () => {
  it("runs no fake and needs Postgres, Service Bus and a public URL even outside production", () => {
    const message = refusal({}, { runtime: "functions" })
    for (const name of ["DATABASE_URL", "SERVICEBUS_CONNECTION_STRING", "PUBLIC_BASE_URL", "WHATSAPP_API_KEY", "ASTRIA_API_KEY"]) {
      expect(message).toContain(name)
    }
  })

  it("accepts the production configuration with Service Bus", () => {
    const started = accepted({ ...production, SERVICEBUS_CONNECTION_STRING: "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=v" }, { runtime: "functions" })
    expect(started.serviceBus).toBe(true)
  })
})
