import { Config, ConfigError, Context, Effect, Either, Layer, Schema } from "effect"
import type { ConversationSettings } from "../../domain/conversation/DecisionContext.js"
import { defaultPhotoLimit } from "../../domain/conversation/decide.js"
import { PricingSettings } from "../../domain/pricing/Tier.js"

/** A price as people write it ("9.90") in minor units (990); at most two decimals. */
const minorUnits = (name: string, fallback: string) =>
  Config.string(name).pipe(
    Config.withDefault(fallback),
    Config.mapOrFail((text) => {
      const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim())
      return match === null
        ? Either.left(ConfigError.InvalidData([name], `Expected a price like 9.90, got "${text}"`))
        : Either.right(Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0")))
    })
  )

const tier = (name: "LITE" | "STANDARD" | "PREMIUM", images: number, price: string) =>
  Config.all({
    imageCount: Config.integer(`TIER_${name}_IMAGES`).pipe(Config.withDefault(images)),
    price: minorUnits(`TIER_${name}_PRICE`, price)
  })

/** Currency, tiers and the returning discount, validated as the domain's `PricingSettings`. */
export const PricingConfig = Config.all({
  currency: Config.string("CURRENCY").pipe(Config.withDefault("USD")),
  tiers: Config.all({
    Lite: tier("LITE", 12, "9.90"),
    Standard: tier("STANDARD", 24, "19.90"),
    Premium: tier("PREMIUM", 40, "29.90")
  }),
  returningDiscountPercent: Config.integer("RETURNING_DISCOUNT_PERCENT").pipe(Config.withDefault(20))
}).pipe(
  Config.mapOrFail((raw) =>
    Schema.decodeUnknownEither(PricingSettings)(raw).pipe(
      Either.mapLeft((error) => ConfigError.InvalidData(["CURRENCY"], `Invalid pricing settings: ${error.message}`))
    )
  )
)

const photoThresholdConfig = Config.integer("PHOTO_THRESHOLD").pipe(
  Config.withDefault(10),
  Config.validate({ message: "PHOTO_THRESHOLD must be between 1 and 50", validation: (n) => n >= 1 && n <= 50 })
)

const photoLimitConfig = Config.integer("PHOTO_LIMIT").pipe(
  Config.withDefault(defaultPhotoLimit),
  Config.validate({ message: "PHOTO_LIMIT must be between 1 and 500", validation: (n) => n >= 1 && n <= 500 })
)

/** The settings the decider takes, the same for every person, but for the example photos (`ExamplePhotos`). */
export class ConversationSettingsTag extends Context.Tag("whatsapp-astria-bot/ConversationSettings")<
  ConversationSettingsTag,
  Omit<ConversationSettings, "examplePhotos">
>() {
  /** `noReturningDiscount`: the payment pages charge fixed prices with none for returning customers, so none is quoted. */
  static readonly fromConfig = (options: { readonly noReturningDiscount?: boolean } = {}) =>
    Layer.effect(
      this,
      Effect.map(
        Config.all({ photoThreshold: photoThresholdConfig, photoLimit: photoLimitConfig, pricing: PricingConfig }).pipe(
          // A collection must be able to reach "enough" before the cap stops it.
          Config.validate({
            message: "PHOTO_LIMIT must be at least PHOTO_THRESHOLD",
            validation: ({ photoLimit, photoThreshold }) => photoLimit >= photoThreshold
          })
        ),
        (settings) => ({
          ...settings,
          pricing: options.noReturningDiscount === true ? { ...settings.pricing, returningDiscountPercent: 0 } : settings.pricing
        })
      )
    )
}
