import type { PackDetailEncoded, PackListItemEncoded } from "../../../contracts/astria/index.js"
import type { FakePackSpec } from "./packs.js"

/** The packs as Astria lists and details them, with sample images behind the fake's file URLs. */

const costsOf = (pack: FakePackSpec) =>
  Object.fromEntries(Object.entries(pack.prompts).map(([c, texts]) => [c, { cost: pack.costCents, num_images: texts.length * pack.imagesPerPrompt }]))

/** Sample prompt ids are fixed per pack and class so that previews can be cached by them. */
const samplePromptId = (pack: FakePackSpec, className: string, index: number) =>
  pack.id * 1_000 + Object.keys(pack.prompts).indexOf(className) * 100 + index

export const packListItem = (pack: FakePackSpec, fileUrl: (key: string) => string): PackListItemEncoded => ({
  id: pack.id,
  slug: pack.slug,
  title: pack.title,
  cover_url: fileUrl(`pack-${pack.id}-cover`),
  base_tune_id: pack.baseTuneId,
  token: "ohwx",
  multiplier: "1.0",
  model_type: "lora",
  public_at: "2025-01-01T00:00:00.000Z",
  cost_mc_hash: Object.fromEntries(Object.keys(pack.prompts).map((c) => [c, pack.costCents * 1_000])),
  costs: costsOf(pack)
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
