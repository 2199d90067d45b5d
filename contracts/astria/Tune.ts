import { Schema } from "effect"
import { IntLike, Nullish, Timestamp } from "./Common.js"

/**
 * A tune (a trained model) as `GET /tunes/:id` and `POST /tunes` return it. There is no status
 * field: `started_training_at` null means queued, set means training, `trained_at` set means done.
 */
export const Tune = Schema.Struct({
  id: Schema.Int,
  title: Nullish(Schema.String),
  name: Nullish(Schema.String),
  token: Nullish(Schema.String),
  eta: Nullish(Timestamp),
  callback: Nullish(Schema.String),
  base_tune_id: Nullish(IntLike),
  branch: Nullish(Schema.String),
  model_type: Nullish(Schema.String),
  trained_at: Nullish(Timestamp),
  started_training_at: Nullish(Timestamp),
  expires_at: Nullish(Timestamp),
  created_at: Nullish(Timestamp),
  updated_at: Nullish(Timestamp),
  url: Nullish(Schema.String),
  orig_images: Nullish(Schema.Array(Schema.String))
})
export type Tune = typeof Tune.Type
export type TuneEncoded = typeof Tune.Encoded

/** `GET /tunes` answers a bare array, newest first. */
export const TuneList = Schema.Array(Tune)
