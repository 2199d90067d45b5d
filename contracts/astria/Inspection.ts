import { Schema } from "effect"
import { Nullish } from "./Common.js"

/** A flag of the inspection; tolerate `"true"`/`"false"` strings as well as booleans. */
const Flag = Nullish(Schema.Union(Schema.Boolean, Schema.BooleanFromString))

/** A describing attribute; the age may come as a number. */
const Attribute = Nullish(Schema.Union(Schema.String, Schema.Number))

/** The classes `name` can answer (docs/api/4-images/1-inspect.md). */
export const inspectionClasses = ["man", "woman", "boy", "girl", "baby", "cat", "dog"] as const

/** What Astria answers for "not found": as the class, no one was found; as an attribute, it does not apply. */
export const inspectionNone = "NONE"

/**
 * `POST /images/inspect`: what Astria saw in one photo (docs/api/4-images/1-inspect.md). Every
 * attribute may be missing; values outside the documented lists are kept as strings, since the
 * page's own example answers some (`"hair_color": "brunette"`, `""`).
 */
export const InspectionResult = Schema.Struct({
  /** The detected class (one of `inspectionClasses`), or "NONE" (sometimes empty) when none was found. */
  name: Nullish(Schema.String),
  body_type: Attribute,
  ethnicity: Attribute,
  age: Attribute,
  glasses: Attribute,
  eye_color: Attribute,
  hair_color: Attribute,
  hair_length: Attribute,
  hair_style: Attribute,
  facial_hair: Attribute,
  is_bald: Attribute,
  headcover: Attribute,
  funny_face: Flag,
  wearing_sunglasses: Flag,
  wearing_hat: Flag,
  blurry: Flag,
  includes_multiple_people: Flag,
  full_body_image_or_longshot: Flag,
  selfie: Flag,
  low_resolution: Flag,
  low_quality: Flag
})
export type InspectionResult = typeof InspectionResult.Type
export type InspectionResultEncoded = typeof InspectionResult.Encoded

/** The attributes that fill a pack's `{{key}}` placeholders (Astria's `characteristics`). */
export const characteristicKeys = [
  "age",
  "ethnicity",
  "body_type",
  "eye_color",
  "hair_color",
  "hair_length",
  "hair_style",
  "facial_hair",
  "is_bald",
  "headcover",
  "glasses"
] as const
