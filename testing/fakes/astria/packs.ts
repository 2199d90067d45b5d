/** The fake's pack catalogue: slugs as a tier configuration would name them. */
export interface FakePackSpec {
  readonly id: number
  readonly slug: string
  readonly title: string
  /** Astria's base model the pack renders on; a pack prompt's `tune_id` is this, not the user's tune. */
  readonly baseTuneId: number
  /** Prompt texts per class (man, woman, ...); each renders `imagesPerPrompt` images. */
  readonly prompts: Readonly<Record<string, ReadonlyArray<string>>>
  readonly imagesPerPrompt: number
  readonly costCents: number
  /** Unlisted packs are left out of `GET /packs?listed=true` but reachable by id. */
  readonly listed: boolean
  /** In Astria's public gallery (`GET /gallery/packs`) rather than the account's own (`GET /packs`). */
  readonly gallery: boolean
}

const portraits = (style: string): ReadonlyArray<string> => [
  `${style}, ohwx {{name}}, studio light, {{eye_color}} eyes`,
  `${style}, ohwx {{name}}, outdoors, soft daylight`,
  `${style}, ohwx {{name}}, close-up, shallow depth of field`
]

/**
 * Astria's public gallery pack its documentation trains with: id 260, `corporate-headshots`
 * (docs/api/2-pack/2-get.md, docs/api/2-pack/2-tunes/0-create.md). The bot's default tier packs
 * name only packs of this list, so that they resolve on a real account too.
 */
export const documentedGalleryPacks: ReadonlyArray<{ readonly id: number; readonly slug: string }> = [
  { id: 260, slug: "corporate-headshots" }
]

/**
 * The fake account: the documented gallery pack, and packs of the account's own (what an operator
 * makes on astria.ai) for the other tiers; `fakeTierPacks` sells them.
 */
export const defaultFakePacks: ReadonlyArray<FakePackSpec> = [
  {
    id: 260,
    slug: "corporate-headshots",
    title: "Corporate Headshots",
    baseTuneId: 690204,
    prompts: { man: portraits("corporate headshot"), woman: portraits("corporate headshot") },
    imagesPerPrompt: 4,
    costCents: 1500,
    listed: true,
    gallery: true
  },
  {
    id: 261,
    slug: "dating-profile",
    title: "Dating Profile",
    baseTuneId: 690204,
    prompts: { man: portraits("candid dating photo"), woman: portraits("candid dating photo") },
    imagesPerPrompt: 8,
    costCents: 2500,
    listed: true,
    gallery: false
  },
  {
    id: 262,
    slug: "fantasy-portraits",
    title: "Fantasy Portraits",
    baseTuneId: 1504944,
    prompts: {
      man: [...portraits("epic fantasy portrait"), "elven ranger ohwx {{name}} in a misty forest"],
      woman: [...portraits("epic fantasy portrait"), "elven ranger ohwx {{name}} in a misty forest"]
    },
    imagesPerPrompt: 10,
    costCents: 3900,
    listed: true,
    gallery: false
  },
  {
    id: 263,
    slug: "staff-only",
    title: "Staff only",
    baseTuneId: 690204,
    prompts: { man: portraits("test"), woman: portraits("test") },
    imagesPerPrompt: 1,
    costCents: 100,
    listed: false,
    gallery: false
  }
]

/** The tiers' packs on the fake account (TIER_*_PACKS): the gallery's for Lite, the account's own for the others. */
export const fakeTierPacks = {
  Lite: ["corporate-headshots"],
  Standard: ["dating-profile"],
  Premium: ["fantasy-portraits"]
} as const
