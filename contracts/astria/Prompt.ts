import { Schema } from "effect"
import { ImageUrl, IntLike, Nullish, Numeric, Timestamp } from "./Common.js"

/**
 * A prompt (one rendering job). Done when `images` is non-empty or `trained_at` is set. In a pack
 * tune's prompts `tune_id` is the pack's base model, not the user's tune: never correlate by it.
 */
export const Prompt = Schema.Struct({
  id: Schema.Int,
  tune_id: Nullish(IntLike),
  text: Nullish(Schema.String),
  negative_prompt: Nullish(Schema.String),
  num_images: Nullish(IntLike),
  cfg_scale: Nullish(Numeric),
  steps: Nullish(IntLike),
  seed: Nullish(IntLike),
  images: Schema.optionalWith(Schema.Array(ImageUrl), { nullable: true, default: () => [] }),
  trained_at: Nullish(Timestamp),
  started_training_at: Nullish(Timestamp),
  created_at: Nullish(Timestamp),
  updated_at: Nullish(Timestamp),
  url: Nullish(Schema.String),
  user_error: Nullish(Schema.String)
})
export type Prompt = typeof Prompt.Type
export type PromptEncoded = typeof Prompt.Encoded

export const PromptList = Schema.Array(Prompt)
