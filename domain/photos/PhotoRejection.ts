import { Schema } from "effect"

/**
 * Why a photo is refused, in the order the bot reports them: only the first that applies is told
 * to the person.
 */
export const PhotoRejectionReason = Schema.Literal(
  "unreadable",
  "too_small",
  "no_person",
  "baby",
  "someone_else",
  "multiple_people",
  "funny_face",
  "blurry",
  "low_quality",
  "sunglasses",
  "hat",
  "too_dark",
  "washed_out",
  "duplicate",
  // Refused before download, so never found together with another: its place is immaterial.
  "too_large"
)
export type PhotoRejectionReason = typeof PhotoRejectionReason.Type

export const photoRejectionOrder: ReadonlyArray<PhotoRejectionReason> = PhotoRejectionReason.literals

/** The first reason in the reporting order among those found, if any. */
export const firstRejection = (
  found: Iterable<PhotoRejectionReason>
): PhotoRejectionReason | undefined => {
  const set = new Set(found)
  return photoRejectionOrder.find((reason) => set.has(reason))
}
