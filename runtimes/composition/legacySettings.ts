import { Effect, Option } from "effect"
import { setting } from "../../application/settings/presentSetting.js"

/**
 * Settings of the original Python bot that this bot does not read, with what replaces each. Its
 * other settings (WHATSAPP_*, ASTRIA_*, SUMIT_*, DATABASE_URL, SERVICEBUS_CONNECTION_STRING,
 * LOG_LEVEL, ENVIRONMENT) keep their names here. The README's table says the same for operators.
 */
export const legacySettingReplacements: ReadonlyArray<{
  readonly name: string
  readonly replacement: string
  /** The payment provider that reads this setting under its original name: no warning then. */
  readonly readBy?: string
}> = [
  { name: "WEBHOOK_URL", replacement: "PUBLIC_BASE_URL (this server's public https base; Astria and payments call back under it)" },
  { name: "MAX_IMAGES_THRESHOLD", replacement: "PHOTO_THRESHOLD" },
  { name: "LITE_TIER_PRICE", replacement: "TIER_LITE_PRICE (with CURRENCY)" },
  { name: "STANDARD_TIER_PRICE", replacement: "TIER_STANDARD_PRICE (with CURRENCY)" },
  { name: "PREMIUM_TIER_PRICE", replacement: "TIER_PREMIUM_PRICE (with CURRENCY)" },
  { name: "LITE_TIER_PAYMENT_LINK", replacement: "PAYMENT_LINK_LITE (PAYMENT_PROVIDER=links), or PAYMENT_PROVIDER=sumit with SUMIT_COMPANY_ID and SUMIT_API_KEY, or kept as it is with PAYMENT_PROVIDER=sumit-pages (the original's fixed pages)", readBy: "sumit-pages" },
  { name: "STANDARD_TIER_PAYMENT_LINK", replacement: "PAYMENT_LINK_STANDARD (PAYMENT_PROVIDER=links), or PAYMENT_PROVIDER=sumit, or kept as it is with PAYMENT_PROVIDER=sumit-pages (the original's fixed pages)", readBy: "sumit-pages" },
  { name: "PREMIUM_TIER_PAYMENT_LINK", replacement: "PAYMENT_LINK_PREMIUM (PAYMENT_PROVIDER=links), or PAYMENT_PROVIDER=sumit, or kept as it is with PAYMENT_PROVIDER=sumit-pages (the original's fixed pages)", readBy: "sumit-pages" },
  { name: "FIXED_PRICE", replacement: "TIER_*_PRICE per tier, and RETURNING_DISCOUNT_PERCENT" },
  { name: "IMAGE_GUIDE_URL", replacement: "nothing: the bot serves its own guideline examples" },
  { name: "RECOMMENDED_PHOTOS", replacement: "nothing: the bot serves its own guideline examples" },
  { name: "DB_HOST", replacement: "DATABASE_URL (one connection string)" },
  { name: "DB_USER", replacement: "DATABASE_URL (one connection string)" },
  { name: "DB_PASSWORD", replacement: "DATABASE_URL (one connection string)" },
  { name: "AZURE_STORAGE_CONNECTION_STRING", replacement: "nothing: pack previews are rendered from Astria's samples and uploaded to WhatsApp" },
  { name: "STORAGE_BLOB_URL", replacement: "nothing: pack previews are rendered from Astria's samples and uploaded to WhatsApp" }
]

/**
 * A warning at start for each of the original's settings that is set, naming what replaces it: an
 * operator moving over otherwise believes a setting applies that nothing reads. Never the value.
 */
export const warnLegacySettings = Effect.forEach(
  legacySettingReplacements,
  ({ name, readBy, replacement }) =>
    Effect.all([setting(name), setting("PAYMENT_PROVIDER")]).pipe(
      Effect.map(([value, provider]) => (readBy !== undefined && Option.contains(provider, readBy) ? Option.none() : value)),
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.void,
          onSome: () =>
            Effect.logWarning(`${name} is a setting of the original Python bot and is not read here; use ${replacement}`).pipe(
              Effect.annotateLogs({ setting: name })
            )
        })
      ),
      // Only a name nobody reads: unreadable (not a string) is as good as unset.
      Effect.orElse(() => Effect.void)
    ),
  { discard: true }
)
