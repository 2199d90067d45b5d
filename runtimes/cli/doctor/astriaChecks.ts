import { Effect } from "effect"
import type { AstriaHttpConfig } from "../../../adapters/astria/AstriaConfig.js"
import { CatalogueSettings, tierPacksSetting } from "../../../application/catalogue/CatalogueSettings.js"
import { matchPacksToTiers } from "../../../application/catalogue/matchPacksToTiers.js"
import { Astria, type AstriaError } from "../../../application/ports/Astria.js"
import { RealParts } from "../../composition/RealParts.js"
import type { LiveCheck } from "./runCheck.js"
import { CheckFailed } from "./Verdict.js"

const part = "Astria"

const reasonOf = (error: AstriaError): string =>
  error._tag === "AstriaUnauthorized" ? `ASTRIA_API_KEY: ${error.message}` : `${error._tag}: ${error.message}`

/** The account's and the gallery's packs through the bot's own adapter, without its retries: a doctor reports, it does not wait out an outage. */
const listPacks = (settings: AstriaHttpConfig) =>
  Effect.flatMap(Astria, (astria) => astria.listPacks).pipe(
    Effect.provide(RealParts.astria({ ...settings, maxRetries: 0 })),
    Effect.mapError((error) => new CheckFailed({ reason: reasonOf(error) }))
  )

/** The key (Astria lists the packs to it) and every pack the tiers sell, by slug or id, from one listing. */
export const astriaChecks = (settings: AstriaHttpConfig): Effect.Effect<ReadonlyArray<LiveCheck<never>>> =>
  Effect.map(Effect.cached(listPacks(settings)), (packs) => [
    {
      part,
      check: "API key",
      run: Effect.map(packs, (listed) => `accepted (${listed.length} pack(s) listed${settings.testMode ? ", test branch" : ""})`)
    },
    {
      part,
      check: "tier packs",
      run: Effect.gen(function* () {
        const tiers = yield* Effect.mapError(
          CatalogueSettings.config,
          (error) => new CheckFailed({ reason: `TIER_*_PACKS: ${error.message}` })
        )
        const matched = matchPacksToTiers(yield* packs, tiers)
        if (matched.missing.length > 0) {
          const named = matched.missing.map(({ pack, tier }) => `${pack} (${tierPacksSetting(tier)})`)
          return yield* new CheckFailed({ reason: `neither the account's nor the gallery's packs: ${named.join(", ")}` })
        }
        return Object.entries(matched.byTier)
          .map(([tier, resolved]) =>
            `${tier}: ${resolved.length === 0 ? "none (not offered)" : resolved.map((pack) => `${pack.slug} (${pack.id}, ${pack.origin})`).join(", ")}`
          )
          .join("; ")
      })
    }
  ])
