import type { HttpClient } from "@effect/platform"
import type { Duration } from "effect"
import { Effect } from "effect"
import { planStart } from "../../composition/StartPlan.js"
import { astriaChecks } from "./astriaChecks.js"
import { databaseCheck } from "./databaseCheck.js"
import { paymentsLines } from "./paymentsCheck.js"
import { publicUrlCheck } from "./publicUrlCheck.js"
import { runCheck, type LiveCheck } from "./runCheck.js"
import { serviceBusChecks } from "./serviceBusChecks.js"
import { failed, skipped, type CheckLine } from "./Verdict.js"
import { whatsappChecks } from "./whatsappChecks.js"

type Item = LiveCheck<HttpClient.HttpClient> | CheckLine

const isLine = (item: Item): item is CheckLine => "verdict" in item

const fakeLine = (part: string, named: boolean): CheckLine =>
  skipped(part, "live", named ? "an in-process fake (named in FAKES)" : "an in-process fake (no credentials set: development)")

/**
 * The doctor's report: the standalone server's start plan decides which parts are real (a refused
 * plan is the first failing line, every problem named), then each real part is checked live,
 * all at once, each within `timeout`.
 */
export const doctorReport = (timeout: Duration.DurationInput) =>
  Effect.gen(function* () {
    const planned = yield* Effect.either(planStart({ runtime: "standalone" }))
    if (planned._tag === "Left") return [failed("Settings", "start plan", planned.left.problems.join("; "))]
    const plan = planned.right
    const items: Array<Item> = [{ part: "Settings", check: "start plan", verdict: "ok", detail: `${plan.mode}, services: ${plan.services.join(", ")}` }]
    if (plan.whatsapp._tag === "Real") items.push(...(yield* whatsappChecks(plan.whatsapp.settings)))
    else items.push(fakeLine("WhatsApp", plan.whatsapp.named))
    if (plan.astria._tag === "Real") items.push(...(yield* astriaChecks(plan.astria.settings)))
    else items.push(fakeLine("Astria", plan.astria.named))
    if (plan.payments._tag === "Real") items.push(...paymentsLines(plan.payments.settings))
    else items.push(fakeLine("Payments", plan.payments.named))
    if (plan.serviceBus) items.push(...(yield* serviceBusChecks))
    else items.push(skipped("Service Bus", "topic and subscriptions", "SERVICEBUS_CONNECTION_STRING is not set: events go through the database"))
    items.push(databaseCheck(plan.databaseUrl), publicUrlCheck(plan.publicBaseUrl))
    return yield* Effect.forEach(items, (item) => (isLine(item) ? Effect.succeed(item) : runCheck(timeout)(item)), { concurrency: "unbounded" })
  })
