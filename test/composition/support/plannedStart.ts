import { ConfigProvider, Effect, Either } from "effect"
import { planStart, type PlanOptions, type StartPlan } from "../../../runtimes/composition/StartPlan.js"

/** Every setting a production start needs except the payment provider's. */
export const productionWithoutPayments: Readonly<Record<string, string>> = {
  ENVIRONMENT: "production",
  DATABASE_URL: "postgres://bot@db.internal:5432/bot",
  PUBLIC_BASE_URL: "https://bot.example.com",
  WHATSAPP_API_KEY: "EAAG-token",
  WHATSAPP_NUMBER_ID: "106540352242922",
  WHATSAPP_APP_SECRET: "app-secret",
  WHATSAPP_VERIFY_TOKEN: "verify-token",
  WHATSAPP_REENGAGEMENT_TEMPLATE: "we_are_here",
  WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE: "en",
  WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE_HE: "he",
  ASTRIA_API_KEY: "sd_astria",
  TIER_LITE_PACKS: "corporate-headshots",
  TIER_STANDARD_PACKS: "dating-profile",
  TIER_PREMIUM_PACKS: "fantasy-portraits"
}

/** Runs with exactly these settings, as the environment would give them. */
export const withSettings = (settings: Readonly<Record<string, string>>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings))))

export const plan = (settings: Readonly<Record<string, string>>, options: PlanOptions = { runtime: "standalone" }) =>
  Effect.runSync(Effect.either(planStart(options)).pipe(withSettings(settings)))

/** The plan of a start these settings allow; throws with the refusal otherwise. */
export const accepted = (settings: Readonly<Record<string, string>>, options?: PlanOptions): StartPlan => {
  const result = plan(settings, options)
  if (Either.isLeft(result)) throw new Error(`refused: ${result.left.message}`)
  return result.right
}

/** The message refusing a start with these settings; throws if it was accepted. */
export const refusal = (settings: Readonly<Record<string, string>>, options?: PlanOptions): string => {
  const result = plan(settings, options)
  if (Either.isRight(result)) throw new Error("the start was accepted")
  return result.left.message
}
