import type { PaymentSetup } from "../../composition/StartPlan.js"
import type { CheckLine } from "./Verdict.js"

const part = "Payments"

/**
 * The `links` provider has no key to try and no live/test mode of its own: the links are
 * checkout pages of a third party. Their settings are already checked (https, one per tier) by
 * the start plan; the pages themselves are not fetched, as no test can stand in for them and a
 * provider may answer a robot's HEAD differently from a person's browser.
 */
export const paymentsLines = (setup: PaymentSetup): ReadonlyArray<CheckLine> => {
  if (setup._tag === "Stripe") {
    return [
      { part, check: "provider and mode", verdict: "ok", detail: `Stripe Checkout, ${setup.stripe.liveMode ? "live" : "test"}-mode key; pages lead back to ${setup.chatUrl}` },
      { part, check: "Stripe API", verdict: "skipped", detail: "the key is tried on the first checkout; a refused key is logged and the order retried" }
    ]
  }
  if (setup._tag === "Sumit") {
    return [
      { part, check: "provider and mode", verdict: "ok", detail: `SUMIT company ${setup.sumit.companyId}; notifications at ${setup.notificationUrl}` },
      { part, check: "SUMIT API", verdict: "skipped", detail: "SUMIT's field names follow public integrations; try one payment by hand" }
    ]
  }
  if (setup._tag === "SumitPages") {
    return [
      {
        part,
        check: "provider and mode",
        verdict: "ok",
        detail: `SUMIT company ${setup.sumit.companyId}, the original bot's fixed pages${setup.pages.returning === undefined ? " (no returning discount offered)" : ", returning prices included"}; triggers at <PUBLIC_BASE_URL>/payment-received`
      },
      { part, check: "checkout pages", verdict: "skipped", detail: "SUMIT's pages are not fetched; open each *_TIER_PAYMENT_LINK by hand" }
    ]
  }
  if (setup._tag === "LinkTemplate") {
    return [
      { part, check: "provider and mode", verdict: "ok", detail: `links provider, one link per order from PAYMENT_LINK_TEMPLATE (${setup.template})` },
      { part, check: "checkout pages", verdict: "skipped", detail: "third-party pages are not fetched; open one by hand" }
    ]
  }
  const links = [...Object.values(setup.links.full), ...Object.values(setup.links.returning ?? {})]
  return [
    { part, check: "provider and mode", verdict: "ok", detail: `links provider, ${links.length} fixed-price https link(s)${setup.links.returning === undefined ? "" : " (returning prices included)"}` },
    { part, check: "checkout pages", verdict: "skipped", detail: "third-party pages are not fetched; open each PAYMENT_LINK_* by hand" }
  ]
}
