import type { PackDetailEncoded, PackListItemEncoded } from "../../../contracts/astria/index.js"
import type { FakePackSpec } from "./packs.js"

/** The packs as Astria lists and details them, with sample images behind the fake's file URLs. */

const costsOf = (pack: FakePackSpec) =>
  Object.fromEntries(Object.entries(pack.prompts).map(([c, texts]) => [c, { cost: pack.costCents, num_images: texts.length * pack.imagesPerPrompt }]))

/** Sample prompt ids are fixed per pack and class so that previews can be cached by them. */
const samplePromptId = (pack: FakePackSpec, className: string, index: number) =>
  pack.id * 1_000 + Object.keys(pack.prompts).indexOf(className) * 100 + index

/** A list item exactly as docs/api/2-pack/1-list.md shows one: no cover and no costs (those are in `GET /p/:id`). */
export const packListItem = (pack: FakePackSpec): PackListItemEncoded => ({
  id: pack.id,
  base_tune_id: pack.baseTuneId,
  // Gallery packs belong to Astria's own user, the others to the account.
  user_id: pack.gallery ? 1 : 4242,
  slug: pack.slug,
  title: pack.title,
  token: "ohwx",
  created_at: "2024-09-02T19:25:12.970Z",
  updated_at: "2025-04-01T13:20:02.258Z",
  multiplier: 10,
  model_type: null,
  public_at: pack.gallery ? "2025-02-16T17:13:02.204Z" : null,
  cost_mc_hash: Object.fromEntries(Object.keys(pack.prompts).map((c) => [c, pack.costCents * 1_000]))
})

export const packDetail = (pack: FakePackSpec, fileUrl: (key: string) => string): PackDetailEncoded => ({
  id: pack.id,
  slug: pack.slug,
  title: pack.title,
  cover_url: fileUrl(`pack-${pack.id}-cover`),
  costs: costsOf(pack),
  prompts_per_class: Object.fromEntries(
    Object.entries(pack.prompts).map(([c, texts]) => [
      c,
      texts.map((text, i) => ({
        id: samplePromptId(pack, c, i),
        text,
        images: [0, 1, 2].map((n) => fileUrl(`sample-${pack.id}-${c}-${i}-${n}`))
      }))
    ])
  )
})
