import { Effect, Option } from "effect"
import { warnLegacySettings } from "./legacySettings.js"
import type { ExternalPart, PaymentSetup, StartPlan } from "./StartPlan.js"

const paymentsText = (setup: PaymentSetup): string => {
  switch (setup._tag) {
    case "Stripe":
      return `Stripe Checkout, a session per order (${setup.stripe.liveMode ? "live" : "test"}-mode key)`
    case "Sumit":
      return "SUMIT, a payment page per order; notifications confirmed with SUMIT's payments/get"
    case "SumitPages":
      return `the original bot's fixed SUMIT pages (${setup.pages.returning === undefined ? "one per tier; no returning discount offered" : "one per tier and per returning price"}); triggers confirmed with SUMIT's payments/get`
    case "FixedPriceLinks":
      return `fixed-price payment links (${setup.links.returning === undefined ? "one per tier" : "one per tier and per returning price"})`
    case "LinkTemplate":
      return "payment links from PAYMENT_LINK_TEMPLATE (the checkout must charge the amount in the link)"
  }
}

/** What an operator must see at start: each external part, real or fake, and what matters about it. */
export const describeStartPlan = (plan: StartPlan, port?: number): ReadonlyArray<{ readonly part: ExternalPart | "database" | "broker"; readonly real: boolean; readonly text: string }> => {
  const fake = (what: string, named: boolean) => `FAKE ${what}${named ? " (named in FAKES)" : " (development without credentials)"}`
  const simulator = port === undefined ? "" : `; chat at http://localhost:${port}/simulator`
  return [
    {
      part: "whatsapp",
      real: plan.whatsapp._tag === "Real",
      text:
        plan.whatsapp._tag === "Real"
          ? `WhatsApp Cloud API, number id ${plan.whatsapp.settings.cloud.numberId}, at ${plan.whatsapp.settings.cloud.apiUrl}`
          : fake(`in-process Graph API${simulator}`, plan.whatsapp.named)
    },
    {
      part: "astria",
      real: plan.astria._tag === "Real",
      text:
        plan.astria._tag === "Real"
          ? `Astria at ${plan.astria.settings.apiUrl}, ${plan.astria.settings.testMode ? "TEST branch (mock images, free)" : "paid branch"}`
          : fake("in-process Astria", plan.astria.named)
    },
    {
      part: "payments",
      real: plan.payments._tag === "Real",
      text:
        plan.payments._tag === "Real"
          ? paymentsText(plan.payments.settings)
          : fake("in-process checkout", plan.payments.named)
    },
    {
      part: "database",
      real: true,
      text: Option.isSome(plan.databaseUrl) ? "Postgres at DATABASE_URL" : "embedded PGlite (this process only)"
    },
    {
      part: "broker",
      real: true,
      text: plan.serviceBus ? "Azure Service Bus" : "the Postgres broker, in the same database"
    }
  ]
}

/** One log line per part: real ones at info, fakes as warnings, so a half-fake start is seen. */
export const logStartPlan = (plan: StartPlan, port?: number) =>
  Effect.forEach(
    describeStartPlan(plan, port),
    ({ part, real, text }) =>
      (real ? Effect.logInfo(`${part}: ${text}`) : Effect.logWarning(`${part}: ${text}`)).pipe(Effect.annotateLogs({ mode: plan.mode, part, real })),
    { discard: true }
  ).pipe(Effect.zipRight(warnLegacySettings))
