import { Clock, Effect, Option } from "effect"
import type { TierName } from "../../domain/pricing/Tier.js"
import { Astria } from "../ports/Astria.js"
import { PackRecord, Packs } from "../ports/Packs.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { CatalogueSettings } from "./CatalogueSettings.js"
import { matchPacksToTiers } from "./matchPacksToTiers.js"

export interface CatalogueSyncReport {
  readonly synced: number
  readonly missing: ReadonlyArray<{ readonly tier: TierName; readonly slug: string }>
}

/**
 * Brings our packs table in line with the packs listed on Astria: each configured slug's pack,
 * with its cover and the first sample image of each prompt per class (for previews).
 */
export const syncPacks = Effect.gen(function* () {
  const astria = yield* Astria
  const settings = yield* CatalogueSettings
  const listed = yield* astria.listPacks
  const matched = matchPacksToTiers(listed, settings.tierSlugs)
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
  if (matched.missing.length > 0) {
    yield* Effect.logWarning("Configured pack slugs that Astria does not list", { missing: matched.missing })
  }
  const report: CatalogueSyncReport = { synced: records.length, missing: matched.missing }
  return report
})
