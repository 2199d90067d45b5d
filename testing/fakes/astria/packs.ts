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
}

const portraits = (style: string): ReadonlyArray<string> => [
  `${style}, ohwx {{name}}, studio light, {{eye_color}} eyes`,
  `${style}, ohwx {{name}}, outdoors, soft daylight`,
  `${style}, ohwx {{name}}, close-up, shallow depth of field`
]

export const defaultFakePacks: ReadonlyArray<FakePackSpec> = [
  {
    id: 260,
    slug: "corporate-headshots",
    title: "Corporate Headshots",
    baseTuneId: 690204,
    prompts: { man: portraits("corporate headshot"), woman: portraits("corporate headshot") },
    imagesPerPrompt: 4,
    costCents: 1500,
    listed: true
  },
  {
    id: 261,
    slug: "dating-profile",
    title: "Dating Profile",
    baseTuneId: 690204,
    prompts: { man: portraits("candid dating photo"), woman: portraits("candid dating photo") },
    imagesPerPrompt: 8,
    costCents: 2500,
    listed: true
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
    listed: true
  },
  {
    id: 263,
    slug: "staff-only",
    title: "Staff only",
    baseTuneId: 690204,
    prompts: { man: portraits("test"), woman: portraits("test") },
    imagesPerPrompt: 1,
    costCents: 100,
    listed: false
  }
]
