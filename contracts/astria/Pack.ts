import { Schema } from "effect"
import { ImageUrl, IntLike, Nullish, Numeric, Timestamp } from "./Common.js"

/** What a pack costs for one class; `cost` appears to be in cents. */
export const PackCost = Schema.Struct({
  cost: Numeric,
  num_images: IntLike
})
export type PackCost = typeof PackCost.Type

/**
 * A list item of `GET /packs` (the account's) or `GET /gallery/packs` (Astria's public gallery),
 * docs/api/2-pack/1-list.md. Packs are matched to our tiers by `slug` or `id`.
 */
export const PackListItem = Schema.Struct({
  id: Schema.Int,
  slug: Schema.String,
  title: Schema.String,
  cover_url: Nullish(Schema.String),
  base_tune_id: Nullish(IntLike),
  user_id: Nullish(IntLike),
  created_at: Nullish(Timestamp),
  updated_at: Nullish(Timestamp),
  token: Nullish(Schema.String),
  multiplier: Nullish(Numeric),
  model_type: Nullish(Schema.String),
  public_at: Nullish(Timestamp),
  /** Millicents per class. */
  cost_mc_hash: Nullish(Schema.Record({ key: Schema.String, value: Numeric })),
  costs: Nullish(Schema.Record({ key: Schema.String, value: PackCost }))
})
export type PackListItem = typeof PackListItem.Type
export type PackListItemEncoded = typeof PackListItem.Encoded

export const PackList = Schema.Array(PackListItem)

/** One sample prompt of a pack, with the sample images shown in previews. */
export const PackSamplePrompt = Schema.Struct({
  id: Schema.Int,
  text: Nullish(Schema.String),
  images: Schema.optionalWith(Schema.Array(ImageUrl), { nullable: true, default: () => [] })
})

/** `GET /p/:id`: the pack with its costs and sample prompts per class. */
export const PackDetail = Schema.Struct({
  id: Schema.Int,
  slug: Schema.String,
  title: Schema.String,
  cover_url: Nullish(Schema.String),
  costs: Schema.optionalWith(Schema.Record({ key: Schema.String, value: PackCost }), {
    nullable: true,
    default: () => ({})
  }),
  prompts_per_class: Schema.optionalWith(
    Schema.Record({ key: Schema.String, value: Schema.Array(PackSamplePrompt) }),
    { nullable: true, default: () => ({}) }
  )
})
export type PackDetail = typeof PackDetail.Type
export type PackDetailEncoded = typeof PackDetail.Encoded
