/**
 * Which Astria packs each tier offers. A tier names its packs by slug (stable across accounts) or
 * by id; a pack keeps the position it has in the tier's list. Where the account and the gallery
 * both have a slug, the first listed (the account's) is taken.
 */
export interface TierPackMatch<Tier extends string, Pack> {
  readonly byTier: Readonly<Record<Tier, ReadonlyArray<Pack>>>
  /** Configured packs that no listed pack is: each is an error in production. */
  readonly missing: ReadonlyArray<{ readonly tier: Tier; readonly pack: string }>
  /** Packs an earlier tier already sells: a pack is sold in one tier, the first that names it. */
  readonly taken: ReadonlyArray<{ readonly tier: Tier; readonly pack: string; readonly by: Tier }>
}

const normalize = (name: string): string => name.trim().toLowerCase()

export const matchPacksToTiers = <Tier extends string, Pack extends { readonly id: number; readonly slug: string }>(
  packs: ReadonlyArray<Pack>,
  tierPacks: Readonly<Record<Tier, ReadonlyArray<string>>>
): TierPackMatch<Tier, Pack> => {
  const byName = new Map<string, Pack>()
  for (const pack of packs) if (!byName.has(normalize(pack.slug))) byName.set(normalize(pack.slug), pack)
  const byId = new Map(packs.map((pack) => [String(pack.id), pack]))
  const find = (name: string): Pack | undefined =>
    /^\d+$/.test(name.trim()) ? byId.get(name.trim()) : byName.get(normalize(name))
  const missing: Array<{ tier: Tier; pack: string }> = []
  const taken: Array<{ tier: Tier; pack: string; by: Tier }> = []
  const soldBy = new Map<Pack, Tier>()
  const tiers = Object.keys(tierPacks) as Array<Tier>
  const byTier = {} as Record<Tier, ReadonlyArray<Pack>>
  for (const tier of tiers) {
    const matched: Array<Pack> = []
    for (const name of tierPacks[tier]) {
      const pack = find(name)
      const by = pack === undefined ? undefined : soldBy.get(pack)
      if (pack === undefined) missing.push({ tier, pack: name.trim() })
      else if (by !== undefined && by !== tier) taken.push({ tier, pack: name.trim(), by })
      else if (!matched.includes(pack)) {
        matched.push(pack)
        soldBy.set(pack, tier)
      }
    }
    byTier[tier] = matched
  }
  return { byTier, missing, taken }
}
