import { Config, Context, Duration, Layer, Option } from "effect"
import type { TierName } from "../../domain/pricing/Tier.js"
import { setting } from "../settings/presentSetting.js"

/** Each tier's packs, each named by its slug or its id, from the account or Astria's public gallery. */
export type TierPacks = Readonly<Record<TierName, ReadonlyArray<string>>>

/** The setting that names a tier's packs. */
export const tierPacksSetting = (tier: TierName): string => `TIER_${tier.toUpperCase()}_PACKS`

/** A comma-separated list of slugs or ids; unset or empty, the default. */
const packList = (tier: TierName, fallback: ReadonlyArray<string>): Config.Config<ReadonlyArray<string>> =>
  setting(tierPacksSetting(tier)).pipe(
    Config.map(
      Option.match({
        onNone: () => fallback,
        onSome: (list) => list.split(",").map((pack) => pack.trim()).filter((pack) => pack !== "")
      })
    )
  )

/** Which Astria packs each tier sells, and how often the catalogue is read again. */
export class CatalogueSettings extends Context.Tag("whatsapp-astria-bot/CatalogueSettings")<
  CatalogueSettings,
  {
    readonly tierPacks: TierPacks
    /** How often a long-running process syncs the catalogue again (`CATALOGUE_SYNC_INTERVAL`). */
    readonly syncInterval: Duration.Duration
    /**
     * A configured pack Astria has in neither list fails the sync (production, where a tier must
     * sell what it says); elsewhere it is reported and its tier goes without it.
     */
    readonly strict: boolean
  }
>() {
  /**
   * By default only Lite sells a pack: Astria's public Corporate Headshots (id 260, the gallery
   * pack its documentation trains with, docs/api/2-pack/2-get.md); the others sell nothing, and
   * are not offered, until the operator names packs of the account or the gallery.
   */
  static readonly config: Config.Config<TierPacks> = Config.all({
    Lite: packList("Lite", ["corporate-headshots"]),
    Standard: packList("Standard", []),
    Premium: packList("Premium", [])
  })
  static readonly syncIntervalConfig = Config.duration("CATALOGUE_SYNC_INTERVAL").pipe(Config.withDefault(Duration.hours(6)))
  static readonly strictConfig = Config.map(setting("ENVIRONMENT"), (mode) =>
    Option.exists(mode, (value) => value.toLowerCase() === "production")
  )
  static readonly layer = (settings: Context.Tag.Service<CatalogueSettings>) => Layer.succeed(this, settings)
  static readonly fromConfig = Layer.effect(
    this,
    Config.all({ tierPacks: this.config, syncInterval: this.syncIntervalConfig, strict: this.strictConfig })
  )
}
