import { Schema } from "effect"
import { Nullish } from "./Common.js"

/** A flag of the inspection; tolerate `"true"`/`"false"` strings as well as booleans. */
const Flag = Nullish(Schema.Union(Schema.Boolean, Schema.BooleanFromString))

/** A describing attribute; the age may come as a number. */
const Attribute = Nullish(Schema.Union(Schema.String, Schema.Number))

/** `POST /images/inspect`: what Astria saw in one photo. */
export const InspectionResult = Schema.Struct({
  /** The detected class (man, woman, ...); empty or missing when no person was found. */
  name: Nullish(Schema.String),
  age: Attribute,
  ethnicity: Attribute,
  eye_color: Attribute,
  hair_color: Attribute,
  facial_hair: Attribute,
  glasses: Attribute,
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
export const characteristicKeys = ["age", "ethnicity", "eye_color", "hair_color", "facial_hair", "glasses"] as const
