import { Effect } from "effect"
import type { AstriaHttpConfig } from "../../../adapters/astria/AstriaConfig.js"
import { CatalogueSettings } from "../../../application/catalogue/CatalogueSettings.js"
import { Astria, type AstriaError } from "../../../application/ports/Astria.js"
import { RealParts } from "../../composition/RealParts.js"
import type { LiveCheck } from "./runCheck.js"
import { CheckFailed } from "./Verdict.js"

const part = "Astria"

const reasonOf = (error: AstriaError): string =>
  error._tag === "AstriaUnauthorized" ? `ASTRIA_API_KEY: ${error.message}` : `${error._tag}: ${error.message}`

/** The account's packs through the bot's own adapter, without its retries: a doctor reports, it does not wait out an outage. */
const listPacks = (settings: AstriaHttpConfig) =>
  Effect.flatMap(Astria, (astria) => astria.listPacks).pipe(
    Effect.provide(RealParts.astria({ ...settings, maxRetries: 0 })),
    Effect.mapError((error) => new CheckFailed({ reason: reasonOf(error) }))
  )

/** The key (Astria lists the account's packs to it) and every pack slug the tiers sell, from one listing. */
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
        const listed = new Set((yield* packs).map((pack) => pack.slug))
        const missing = Object.entries(tiers).flatMap(([tier, slugs]) =>
          slugs.filter((slug) => !listed.has(slug)).map((slug) => `${slug} (TIER_${tier.toUpperCase()}_PACKS)`)
        )
        if (missing.length > 0) return yield* new CheckFailed({ reason: `not among the account's packs: ${missing.join(", ")}` })
        return Object.entries(tiers)
          .map(([tier, slugs]) => `${tier}: ${slugs.join(", ")}`)
          .join("; ")
      })
    }
  ])
