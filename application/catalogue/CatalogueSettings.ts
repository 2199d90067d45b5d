import { Config, Context, Effect, Layer } from "effect"
import type { TierName } from "../../domain/pricing/Tier.js"

/** Which Astria packs each tier sells, by slug (ids differ between accounts, slugs do not). */
export class CatalogueSettings extends Context.Tag("whatsapp-astria-bot/CatalogueSettings")<
  CatalogueSettings,
  { readonly tierSlugs: Readonly<Record<TierName, ReadonlyArray<string>>> }
>() {
  static readonly config = Config.all({
    Lite: Config.array(Config.string(), "TIER_LITE_PACKS").pipe(Config.withDefault(["corporate-headshots"])),
    Standard: Config.array(Config.string(), "TIER_STANDARD_PACKS").pipe(Config.withDefault(["dating-profile"])),
    Premium: Config.array(Config.string(), "TIER_PREMIUM_PACKS").pipe(Config.withDefault(["fantasy-portraits"]))
  })
  static readonly fromConfig = Layer.effect(this, Effect.map(this.config, (tierSlugs) => ({ tierSlugs })))
}
