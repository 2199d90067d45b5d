import { Schema } from "effect"

/**
 * What an inspection of one photo found (Astria's image inspection, summarized). The person's
 * class and characteristics are voted from these by majority.
 */
export class PhotoInspection extends Schema.Class<PhotoInspection>("PhotoInspection")({
  /**
   * The class Astria detected (man, woman, boy, girl, baby, cat, dog); empty when it found none
   * (its "NONE") or, for a summary of several answers, when they did not agree.
   */
  className: Schema.String,
  characteristics: Schema.Record({ key: Schema.String, value: Schema.String }),
  funnyFace: Schema.Boolean,
  sunglasses: Schema.Boolean,
  hat: Schema.Boolean,
  blurry: Schema.Boolean,
  multiplePeople: Schema.Boolean,
  lowResolution: Schema.Boolean,
  /** Astria's `low_quality`; absent from inspections recorded before it was read. */
  lowQuality: Schema.optionalWith(Schema.Boolean, { default: () => false })
}) {}
