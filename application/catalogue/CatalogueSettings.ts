import { Config, Context, Duration, Effect, Layer } from "effect"
import type { TierName } from "../../domain/pricing/Tier.js"

/** Which Astria packs each tier sells, by slug (ids differ between accounts, slugs do not). */
export class CatalogueSettings extends Context.Tag("whatsapp-astria-bot/CatalogueSettings")<
  CatalogueSettings,
  {
    readonly tierSlugs: Readonly<Record<TierName, ReadonlyArray<string>>>
    /** How often a long-running process syncs the catalogue again (`CATALOGUE_SYNC_INTERVAL`). */
    readonly syncInterval: Duration.Duration
  }
>() {
  static readonly config = Config.all({
    Lite: Config.array(Config.string(), "TIER_LITE_PACKS").pipe(Config.withDefault(["corporate-headshots"])),
    Standard: Config.array(Config.string(), "TIER_STANDARD_PACKS").pipe(Config.withDefault(["dating-profile"])),
    Premium: Config.array(Config.string(), "TIER_PREMIUM_PACKS").pipe(Config.withDefault(["fantasy-portraits"]))
  })
  static readonly syncIntervalConfig = Config.duration("CATALOGUE_SYNC_INTERVAL").pipe(Config.withDefault(Duration.hours(6)))
  static readonly fromConfig = Layer.effect(
    this,
    Effect.map(Config.all({ tierSlugs: this.config, syncInterval: this.syncIntervalConfig }), (settings) => settings)
  )
}
