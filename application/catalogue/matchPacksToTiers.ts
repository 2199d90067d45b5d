/**
 * Which Astria packs each tier offers. Tiers name their packs by slug (slugs are stable across
 * environments, ids are not); a pack keeps the position its slug has in the tier's list.
 */
export interface TierPacks<Tier extends string, Pack> {
  readonly byTier: Readonly<Record<Tier, ReadonlyArray<Pack>>>
  /** Configured slugs that no listed pack has: worth a warning at sync time. */
  readonly missing: ReadonlyArray<{ readonly tier: Tier; readonly slug: string }>
}

const normalize = (slug: string): string => slug.trim().toLowerCase()

export const matchPacksToTiers = <Tier extends string, Pack extends { readonly slug: string }>(
  packs: ReadonlyArray<Pack>,
  tierSlugs: Readonly<Record<Tier, ReadonlyArray<string>>>
): TierPacks<Tier, Pack> => {
  const bySlug = new Map<string, Pack>()
  for (const pack of packs) if (!bySlug.has(normalize(pack.slug))) bySlug.set(normalize(pack.slug), pack)
  const missing: Array<{ tier: Tier; slug: string }> = []
  const tiers = Object.keys(tierSlugs) as Array<Tier>
  const byTier = {} as Record<Tier, ReadonlyArray<Pack>>
  for (const tier of tiers) {
    const matched: Array<Pack> = []
    for (const slug of tierSlugs[tier]) {
      const pack = bySlug.get(normalize(slug))
      if (pack === undefined) missing.push({ tier, slug })
      else if (!matched.includes(pack)) matched.push(pack)
    }
    byTier[tier] = matched
  }
  return { byTier, missing }
}
