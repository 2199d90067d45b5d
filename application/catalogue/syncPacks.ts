import { Clock, Effect, Option, Schema } from "effect"
import { TierName } from "../../domain/pricing/Tier.js"
import { Astria } from "../ports/Astria.js"
import { PackRecord, Packs } from "../ports/Packs.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { CatalogueSettings, tierPacksSetting } from "./CatalogueSettings.js"
import { matchPacksToTiers } from "./matchPacksToTiers.js"

export interface CatalogueSyncReport {
  readonly synced: number
  readonly missing: ReadonlyArray<{ readonly tier: TierName; readonly pack: string }>
}

/** Configured packs that neither the account nor Astria's gallery has, named with their settings. */
export class UnresolvablePacks extends Schema.TaggedError<UnresolvablePacks>()("UnresolvablePacks", {
  packs: Schema.Array(Schema.Struct({ tier: TierName, pack: Schema.String }))
}) {
  override get message(): string {
    const named = this.packs.map(({ pack, tier }) => `${pack} (${tierPacksSetting(tier)})`)
    return `Astria has these configured packs neither in the account nor in its public gallery: ${named.join(", ")}`
  }
}

/**
 * Brings our packs table in line with the packs on Astria (the account's and the gallery's): each
 * configured pack, with its cover and the first sample image of each prompt per class (for
 * previews). A tier none of whose packs resolves gets none, and is not offered; with the strict
 * setting (production) a configured pack that does not resolve fails the sync instead.
 */
export const syncPacks = Effect.gen(function* () {
  const astria = yield* Astria
  const settings = yield* CatalogueSettings
  const listed = yield* astria.listPacks
  const matched = matchPacksToTiers(listed, settings.tierPacks)
  if (settings.strict && matched.missing.length > 0) return yield* new UnresolvablePacks({ packs: matched.missing })
  const now = new Date(yield* Clock.currentTimeMillis)
  const records = yield* Effect.forEach(
    Object.entries(matched.byTier).flatMap(([tier, packs]) => packs.map((pack) => ({ tier, pack }))),
    ({ tier, pack }) =>
      Effect.map(
        astria.getPack(pack.id),
        (detail) =>
          new PackRecord({
            id: detail.id,
            slug: detail.slug,
            title: detail.title,
            tier,
            coverUrl: Option.orElse(detail.coverUrl, () => pack.coverUrl),
            samples: Object.fromEntries(
              Object.entries(detail.samples).map(([className, samples]) => [
                className,
                samples.flatMap((sample) => sample.images.slice(0, 1))
              ])
            ),
            previews: {},
            syncedAt: now
          })
      ),
    { concurrency: 4 }
  )
  yield* Effect.flatMap(UnitOfWork, (unitOfWork) => unitOfWork.transaction(Effect.flatMap(Packs, (packs) => packs.sync(records))))
  if (matched.taken.length > 0) {
    yield* Effect.logWarning("Packs named by more than one tier are sold in the first only", { taken: matched.taken })
  }
  if (matched.missing.length > 0) {
    yield* Effect.logWarning("Configured packs that Astria has neither in the account nor in its gallery", {
      missing: matched.missing
    })
  }
  const report: CatalogueSyncReport = { synced: records.length, missing: matched.missing }
  return report
})
