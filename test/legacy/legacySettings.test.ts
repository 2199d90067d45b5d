import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { ConfigProvider, Effect, HashMap, Logger, LogLevel } from "effect"
import { describe, expect, it } from "vitest"
import { logStartPlan } from "../../runtimes/composition/logStartPlan.js"
import { planStart } from "../../runtimes/composition/StartPlan.js"

/** Every setting of the original Python bot (its Utils/constants.py and deployment manifests). */
const originalSettings = [
  "WHATSAPP_NUMBER_ID", "WHATSAPP_API_URL", "WHATSAPP_API_KEY", "WHATSAPP_VERIFY_TOKEN", "ASTRIA_API_URL", "ASTRIA_API_KEY",
  "WEBHOOK_URL", "MAX_IMAGES_THRESHOLD", "SUMIT_API_KEY", "SUMIT_COMPANY_ID", "LITE_TIER_PRICE", "STANDARD_TIER_PRICE",
  "PREMIUM_TIER_PRICE", "LITE_TIER_PAYMENT_LINK", "STANDARD_TIER_PAYMENT_LINK", "PREMIUM_TIER_PAYMENT_LINK", "FIXED_PRICE",
  "IMAGE_GUIDE_URL", "RECOMMENDED_PHOTOS", "DB_HOST", "DB_USER", "DB_PASSWORD", "DATABASE_URL", "SERVICEBUS_CONNECTION_STRING",
  "AZURE_STORAGE_CONNECTION_STRING", "STORAGE_BLOB_URL", "LOG_LEVEL", "ENVIRONMENT"
]

/** What the start logs at warning level, with the given settings as the whole environment. */
const startWarnings = async (settings: Record<string, string>) => {
  const lines: Array<string> = []
  const logger = Logger.make(({ logLevel, message, annotations }) => {
    if (LogLevel.greaterThanEqual(logLevel, LogLevel.Warning)) lines.push(`${String(message)} ${JSON.stringify(HashMap.toEntries(annotations))}`)
  })
  await Effect.runPromise(
    planStart({ runtime: "standalone" }).pipe(
      Effect.flatMap((plan) => logStartPlan(plan)),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings)))),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger))
    )
  )
  return lines.join("\n")
}

describe("the original bot's settings", () => {
  it("are named at start, when set, with what replaces them (never with their values)", async () => {
    const warnings = await startWarnings({
      WEBHOOK_URL: "https://old.example.com/api",
      MAX_IMAGES_THRESHOLD: "12",
      LITE_TIER_PAYMENT_LINK: "https://pay.sumit.co.il/secret-page",
      DB_PASSWORD: "hunter2",
      DB_HOST: ""
    })
    expect(warnings).toMatch(/WEBHOOK_URL.*PUBLIC_BASE_URL/)
    expect(warnings).toMatch(/MAX_IMAGES_THRESHOLD.*PHOTO_THRESHOLD/)
    expect(warnings).toMatch(/LITE_TIER_PAYMENT_LINK.*PAYMENT_LINK_LITE/)
    expect(warnings).toMatch(/DB_PASSWORD.*DATABASE_URL/)
    // Left empty counts as unset.
    expect(warnings).not.toMatch(/DB_HOST/)
    for (const value of ["old.example.com", "secret-page", "hunter2"]) expect(warnings).not.toContain(value)
  })

  it("says nothing of settings this bot reads under the same name", async () => {
    const warnings = await startWarnings({ LOG_LEVEL: "Info", WHATSAPP_VERIFY_TOKEN: "token" })
    expect(warnings).not.toMatch(/original/)
  })

  it("each has a row in the README's table, naming what replaces it", () => {
    const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8")
    const section = readme.slice(readme.indexOf("## Moving over from the original Python bot"))
    expect(section.length).toBeLessThan(readme.length)
    for (const name of originalSettings) expect(section).toMatch(new RegExp(`^\\| \`${name}\` \\|`, "m"))
  })
})
