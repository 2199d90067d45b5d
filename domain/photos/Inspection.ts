import { Schema } from "effect"

/**
 * What an inspection of one photo found (Astria's image inspection, summarized). The person's
 * class and characteristics are voted from these by majority.
 */
export class PhotoInspection extends Schema.Class<PhotoInspection>("PhotoInspection")({
  /** Detected class (man, woman, boy, girl, ...); empty when no person was found. */
  className: Schema.String,
  characteristics: Schema.Record({ key: Schema.String, value: Schema.String }),
  funnyFace: Schema.Boolean,
  sunglasses: Schema.Boolean,
  hat: Schema.Boolean,
  blurry: Schema.Boolean,
  multiplePeople: Schema.Boolean,
  lowResolution: Schema.Boolean
}) {}
